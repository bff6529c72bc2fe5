import Foundation
import TestSupport
import Testing

/// report.html written by `pipeline run` and `pipeline report`, checked against the run's own files.
@Suite struct ReportCommandTests {
    @Test func everyRunWritesASmallSelfContainedReport() throws {
        let html = try FixtureRun.text("report.html")
        #expect(html.utf8.count < 200_000, "\(html.utf8.count) bytes")
        #expect(!html.lowercased().contains("<script") && !html.contains("<link") && !html.contains("src="))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func chartsHoldTheRunsNumbers() throws {
        let html = try FixtureRun.text("report.html")
        let metrics = try FixtureRun.json("metrics.json")
        let epochs = try #require(metrics["epochs"] as? [[String: Any]]).count
        let loss = try #require(ReportMarkup.chart("loss", in: html))
        let rmse = try #require(ReportMarkup.chart("rmse", in: html))
        #expect(ReportMarkup.elements("polyline", in: loss).map { ReportMarkup.points($0["points"]).count } == [epochs, epochs])
        #expect(ReportMarkup.elements("polyline", in: rmse).map { ReportMarkup.points($0["points"]).count } == [epochs, epochs])

        let modalities = try #require(metrics["ablation"] as? [String: Any]).keys.sorted()
        #expect(!modalities.isEmpty)
        let ablation = try #require(ReportMarkup.chart("ablation-rmse", in: html))
        #expect(ReportMarkup.elements("rect", in: ablation).compactMap { $0["data-label"] } == modalities)

        let test = try #require(metrics["test"] as? [String: [String: Any]])
        let expected = Set(test.flatMap { model, buckets in buckets.keys.map { "\(model)/\($0)" } })
        let rows = ReportMarkup.elements("tr", in: html).compactMap { r in r["data-model"].map { "\($0)/\(r["data-bucket"]!)" } }
        #expect(rows.count == expected.count && Set(rows) == expected, "one row per model × bucket")
        #expect(rows.prefix(4) == ["fused/all", "global_mean/all", "bias/all", "mf/all"])

        let stages = try #require(ReportMarkup.chart("stage-time", in: html))
        #expect(ReportMarkup.elements("rect", in: stages).compactMap { $0["data-label"] }
                == ["load", "preprocess", "split", "extract", "train", "evaluate", "export"])
    }

    @Test func embeddingsAreColouredByTheFirstCategoricalItemField() throws {
        let html = try FixtureRun.text("report.html")
        let chart = try #require(ReportMarkup.chart("embeddings", in: html))
        let groups = ReportMarkup.elements("g", in: chart).compactMap { $0["data-category"] }
        #expect(Set(groups) == ["adventure", "cooking", "romance", "scifi", "classic", "indie", "premium"],
                "categories of the fixture catalog (the demo's first categorical item field)")
        let points = ReportMarkup.elements("circle", in: chart).count - groups.count  // minus the legend swatches
        #expect(points == 300)
        #expect(html.contains("coloured by <strong>category</strong>"))
    }

    @Test func reportCommandRewritesTheSameBytes() throws {
        let run = try FixtureRun.directory()
        let folder = Repository.temporaryDirectory("report-again")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("again.html")
        let result = try PipelineProcess.run(["report", run.path, "-o", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote \(out.path) ("))
        #expect(try Data(contentsOf: out) == Data(contentsOf: run.appendingPathComponent("report.html")))
    }

    @Test func colourByANumericColumnUsesQuartiles() throws {
        let run = try FixtureRun.directory()
        let folder = Repository.temporaryDirectory("report-price")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("price.html")
        let result = try PipelineProcess.run(["report", run.path, "--color-by", "price", "-o", out.path, "--quiet"])
        #expect(result.status == 0 && result.stdout.isEmpty, "\(result.stderr)")
        let chart = try #require(ReportMarkup.chart("embeddings", in: try String(contentsOf: out, encoding: .utf8)))
        #expect(ReportMarkup.elements("g", in: chart).compactMap { $0["data-category"] }.count == 4)
    }

    @Test func failuresAreOneLineWithStatus1() throws {
        let run = try FixtureRun.directory()
        let unknown = try PipelineProcess.run(["report", run.path, "--color-by", "colour", "-o", "/tmp/never.html"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: cannot colour by 'colour': the items have no such column (hint: item columns: item_id,"))
        #expect(unknown.stderr.split(separator: "\n").count == 1)
        let notARun = try PipelineProcess.run(["report", "/tmp"])
        #expect(notARun.status == 1)
        #expect(notARun.stderr == "error: /tmp is not a finished run (no summary.json) (hint: give the outputs.dir of a pipeline that `pipeline run` completed)\n")
    }
}
