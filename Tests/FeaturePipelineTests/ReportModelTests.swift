@testable import FeaturePipeline
import Foundation
import TensorCore
import TestSupport
import Testing

/// The report model and its HTML and text on a small hand-written run folder with three
/// modalities, rejected files, a clipping rule and a skipped stage.
@Suite final class ReportModelTests {
    let run: URL

    init() throws {
        run = try SyntheticRun.write()
    }

    deinit { try? FileManager.default.removeItem(at: run) }

    @Test func readsEverySectionAndOrdersThemForPresentation() throws {
        let report = try RunReport.load(from: run)
        #expect(report.pipeline == "tiny" && report.seed == 7 && report.toolVersion == "0.1.0")
        #expect(report.rowsAfterEachRule == [95, 95, 90], "clipping keeps its rows, dropping removes them")
        #expect(report.models == ["fused", "bias", "zz_custom"])
        #expect(report.buckets == ["all", "warm", "cold-item"])
        #expect(report.metricNames == ["rmse", "mae", "precision@5", "ndcg@5", "precision@10", "ndcg@10"])
        #expect(report.modalities == ["audio", "image", "text"])
        #expect(report.errors.total == 3 && report.errors.unreadableLines == 1)
        #expect(report.errors.byClass == ["image": ["corrupt": 2], "audio": ["truncated": 1]])
    }

    @Test func htmlHasEveryChartWithItsData() throws {
        let report = try RunReport.load(from: run)
        let html = report.html(projection: try EmbeddingProjection.load(from: run))
        let loss = try #require(ReportMarkup.chart("loss", in: html))
        let rmse = try #require(ReportMarkup.chart("rmse", in: html))
        #expect(ReportMarkup.elements("polyline", in: loss).map { ReportMarkup.points($0["points"]).count } == [5])
        #expect(ReportMarkup.elements("polyline", in: rmse).map { ReportMarkup.points($0["points"]).count } == [5, 5])
        for id in ["ablation-rmse", "ablation-ndcg-5"] {
            let chart = try #require(ReportMarkup.chart(id, in: html), "\(id)")
            #expect(ReportMarkup.elements("rect", in: chart).compactMap { $0["data-label"] } == ["audio", "image", "text"])
        }
        let stages = try #require(ReportMarkup.chart("stage-time", in: html))
        #expect(ReportMarkup.elements("rect", in: stages).compactMap { $0["data-label"] } == ["load", "preprocess", "train"])
        let rows = ReportMarkup.elements("tr", in: html).compactMap { r in r["data-model"].map { "\($0)/\(r["data-bucket"]!)" } }
        #expect(rows == ["fused/all", "bias/all", "zz_custom/all", "fused/warm", "bias/warm", "fused/cold-item", "bias/cold-item"])
        let embeddings = try #require(ReportMarkup.chart("embeddings", in: html))
        #expect(ReportMarkup.elements("circle", in: embeddings).count == 10 + 1, "10 items and one legend swatch (no model.json: one colour)")
        #expect(ReportMarkup.elements("tr", in: html).filter { $0["data-modality"] != nil }.count == 3)
        #expect(html.contains("data&lt;broken&gt;.png"), "error paths are escaped")
        // Bold marks the best model of a bucket; a tie (every model at 0.6 MAE) marks none.
        #expect(html.components(separatedBy: "<td class=\"best\">").count - 1 == 3)
    }

    @Test func htmlIsSelfContainedAndDeterministic() throws {
        let report = try RunReport.load(from: run)
        let html = report.html(projection: try EmbeddingProjection.load(from: run))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link") && !html.contains("src=") && !html.contains("@import") && !html.contains("url("))
        #expect(html.components(separatedBy: "http").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1,
                "the only address is the SVG namespace")
        let again = try RunReport.load(from: run).html(projection: try EmbeddingProjection.load(from: run))
        #expect(html == again)
    }

    @Test func colouringByAColumnCategoricalOrNumeric() throws {
        let genre = try #require(try EmbeddingProjection.load(from: run, colorBy: "genre"))
        #expect(genre.colouredBy == "genre" && genre.categories == ["Comedy", "Drama", "(missing)"])
        #expect(genre.points.map(\.category) == [0, 1, 0, 1, 0, 1, 0, 1, 0, 2])
        let price = try #require(try EmbeddingProjection.load(from: run, colorBy: "price"))
        #expect(price.colouredBy == "price (quartiles)")
        // Cuts at the values of rank ⌊n·q⌋ (n = 10: the 3rd, 6th and 8th smallest).
        #expect(price.categories == ["< 2.5", "2.5 – 5", "5 – 7", "≥ 7"])
        #expect(price.points.map(\.category) == [0, 0, 1, 1, 1, 2, 2, 3, 3, 3])
        #expect(throws: PipelineError.self) { try EmbeddingProjection.load(from: run, colorBy: "colour") }
        do {
            _ = try EmbeddingProjection.load(from: run, colorBy: "colour")
        } catch let error as PipelineError {
            #expect(error.description == "cannot colour by 'colour': the items have no such column (hint: item columns: item_id, genre, price)")
        }
    }

    @Test func projectionAxesCarryTheExplainedVariance() throws {
        let p = try #require(try EmbeddingProjection.load(from: run))
        #expect(p.items == 10 && p.points.count == 10)
        #expect(p.explainedVarianceRatio[0] > 0.9, "the synthetic vectors lie near a line: \(p.explainedVarianceRatio)")
    }

    @Test func largeCatalogsShowAnEvenSampleAndFallBackToWarmOrCold() throws {
        let folder = Repository.temporaryDirectory("report-large")
        defer { try? FileManager.default.removeItem(at: folder) }
        let n = 7000
        var rng = SeededGenerator(seed: 2)
        try NumpyFile.write(Tensor.normal(shape: [n, 3], using: &rng), to: folder.appendingPathComponent("item_embeddings.npy"))
        try ((0..<n).map { "i\($0)" }.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("item_ids.txt"), atomically: true, encoding: .utf8)
        let known = (0..<n).map { UInt8($0 % 5 == 0 ? 0 : 1) }
        try Safetensors.write([.init(name: "behavior.known_items", dtype: .uint8, shape: [n], bytes: known)],
                              to: folder.appendingPathComponent("model.safetensors"))
        let p = try #require(try EmbeddingProjection.load(from: folder))
        #expect(p.items == n && p.points.count == 2334, "every third item (⌈7000 / 3000⌉ = 3)")
        #expect(p.colouredBy.hasPrefix("warm or cold item") && p.categories == ["warm item", "cold item"])
        #expect(p.points.enumerated().allSatisfy { k, point in point.category == ((k * 3) % 5 == 0 ? 1 : 0) })
    }

    @Test func textHasTheSameSections() throws {
        let text = try RunReport.load(from: run).text()
        for expected in ["run tiny", "preprocessing", "clip_range", "split (rows)", "extraction", "image", "errors: 3 rejected item files",
                         "training: 5 epochs, best epoch 4", "test metrics", "zz_custom", "ablation (masked − full, bucket all)"] {
            #expect(text.contains(expected), "\(expected)")
        }
        #expect(!text.contains("\u{1B}"))
        #expect(text.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func jsonGathersTheRunsDocuments() throws {
        let data = try StableJSON.encode(try RunReport.load(from: run))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["pipeline", "run_directory", "tool_version", "seed", "stages", "load", "preprocess", "split", "extract", "errors", "metrics"])
        let metrics = try #require(object["metrics"] as? [String: Any])
        #expect(((metrics["test"] as? [String: Any])?["fused"] as? [String: Any])?["all"] != nil)
    }

    @Test func aFolderWithoutSummaryIsNotARun() throws {
        let empty = Repository.temporaryDirectory("report-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try RunReport.load(from: empty)
            Issue.record("expected an error")
        } catch let error as PipelineError {
            #expect(error.description == "\(empty.path) is not a finished run (no summary.json) (hint: give the outputs.dir of a pipeline that `pipeline run` completed)")
        }
    }

    @Test func aDamagedFileIsNamedWithTheKeyPath() throws {
        try #"{"test": {}, "valid": {}, "ablation": {}, "relevance_threshold": 4, "epochs": [{"epoch": 1}], "best_epoch": 1}"#
            .write(to: run.appendingPathComponent("metrics.json"), atomically: true, encoding: .utf8)
        do {
            _ = try RunReport.load(from: run)
            Issue.record("expected an error")
        } catch let error as PipelineError {
            #expect(error.what.hasPrefix("\(run.path)/metrics.json is not readable: missing key 'learning_rate' at .epochs[0]"), "\(error)")
        }
    }
}
