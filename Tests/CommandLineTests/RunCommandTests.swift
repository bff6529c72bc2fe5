import Foundation
import TensorCore
import TestSupport
import Testing

/// `pipeline run` end to end on a private copy of the fixture catalog.
@Suite(.serialized) struct RunCommandTests {
    static let artifacts = ["item_embeddings.npy", "item_ids.txt", "item_embeddings.safetensors", "model.safetensors",
                            "model.json", "metrics.json", "errors.jsonl", "dropped_rows.jsonl", "manifest.json", "pipeline.resolved.yaml"]

    @Test func runWritesEveryArtifactThenSkipsEveryStage() throws {
        let ws = try CatalogWorkspace("run")
        defer { ws.remove() }
        let first = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(first.status == 0, "\(first.stderr)")
        for name in Self.artifacts {
            #expect(FileManager.default.fileExists(atPath: ws.runDirectory.appendingPathComponent(name).path), "\(name)")
        }
        let embeddings = try NumpyFile.read(ws.runDirectory.appendingPathComponent("item_embeddings.npy"))
        let ids = try String(contentsOf: ws.runDirectory.appendingPathComponent("item_ids.txt"), encoding: .utf8)
        #expect(embeddings.dtype == .float32 && embeddings.shape == [300, 32])
        #expect(ids.split(separator: "\n").count == 300)
        #expect(leftoverTemporaries(ws.runDirectory).isEmpty)
        // The fixture's planted dirty rows: each rule that dropped rows warns, and every row is listed.
        #expect(first.stderr.contains("warning: preprocess: missing_values dropped 40 of 10189 rows (0.4 %), e.g. ratings.csv:"),
                "\(first.stderr)")
        let dropped = try String(contentsOf: ws.runDirectory.appendingPathComponent("dropped_rows.jsonl"), encoding: .utf8)
        let report = try String(contentsOf: ws.runDirectory.appendingPathComponent("stages/preprocess/summary.json"), encoding: .utf8)
        #expect(dropped.split(separator: "\n").count > 40 && dropped.hasPrefix("{\"column\":"), "\(dropped.prefix(200))")
        #expect(report.contains("\"examples\""))
        // Evaluation shows its progress like extraction and training: one step per model scored.
        #expect(first.stderr.contains("evaluate: 9/9 models in "), "\(first.stderr)")

        let second = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(second.status == 0)
        #expect(second.stderr.contains("every stage was up to date; nothing was recomputed"), "\(second.stderr)")

        // New timestamps on every input file change nothing.
        let later = Date().addingTimeInterval(3600)
        for case let url as URL in FileManager.default.enumerator(at: ws.catalog, includingPropertiesForKeys: nil)! {
            try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: url.path)
        }
        let touched = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(touched.stderr.contains("every stage was up to date"), "\(touched.stderr)")
    }

    @Test func changingOneItemsSoundReextractsThatItemAlone() throws {
        let ws = try CatalogWorkspace("one-item")
        defer { ws.remove() }
        #expect(try PipelineProcess.run(["run", ws.pipeline.path]).status == 0)
        let audio = ws.catalog.appendingPathComponent("media/audio")
        try FileManager.default.removeItem(at: audio.appendingPathComponent("i00004.wav"))
        try FileManager.default.copyItem(at: audio.appendingPathComponent("i00001.wav"), to: audio.appendingPathComponent("i00004.wav"))
        let rerun = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("audio: 0 extracted, 293 cached"), "identical bytes come from the cache: \(rerun.stderr)")

        let samples = try Data(contentsOf: audio.appendingPathComponent("i00010.wav"))
        var changed = samples
        changed[changed.count - 10] ^= 0x55  // one sample differs
        try changed.write(to: audio.appendingPathComponent("i00004.wav"))
        let third = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(third.stderr.contains("audio: 1 extracted, 292 cached"), "\(third.stderr)")
        #expect(third.stderr.contains("load       skipped"), "the items file did not change")
    }

    @Test func sameSeedGivesTheSameBytes() throws {
        let a = try CatalogWorkspace("det-a"), b = try CatalogWorkspace("det-b")
        defer { a.remove(); b.remove() }
        #expect(try PipelineProcess.run(["run", a.pipeline.path, "--threads", "1"]).status == 0)
        #expect(try PipelineProcess.run(["run", b.pipeline.path, "--threads", "2"]).status == 0)
        for name in ["item_embeddings.npy", "item_embeddings.safetensors", "model.safetensors", "model.json", "item_ids.txt"] {
            let x = try Data(contentsOf: a.runDirectory.appendingPathComponent(name))
            let y = try Data(contentsOf: b.runDirectory.appendingPathComponent(name))
            #expect(x == y, "\(name) differs between two runs with the same seed")
        }
        #expect(try metricsWithoutTimings(a.runDirectory) == metricsWithoutTimings(b.runDirectory))
    }
}

/// metrics.json with the per-epoch wall-clock seconds removed.
func metricsWithoutTimings(_ run: URL) throws -> String {
    let text = try String(contentsOf: run.appendingPathComponent("metrics.json"), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.contains("\"seconds\"") }.joined(separator: "\n")
}

/// Temporary files (`.tmp-…`) anywhere under `dir`.
func leftoverTemporaries(_ dir: URL) -> [String] {
    var found: [String] = []
    for case let url as URL in FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
    where url.lastPathComponent.hasPrefix(".tmp-") {
        found.append(url.path)
    }
    return found
}

@Suite struct DroppedRowsTests {
    /// Half the ratings are not numbers (a wrong column, say): the run stops in preprocess,
    /// names the rule and a row, and leaves dropped_rows.jsonl listing every lost row.
    @Test func losingTooManyRowsStopsAndListsThem() throws {
        let ws = try CatalogWorkspace("too-many-dropped")
        defer { ws.remove() }
        let ratings = ws.catalog.appendingPathComponent("ratings.csv")
        var lines = try String(contentsOf: ratings, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for k in stride(from: 1, to: lines.count - 1, by: 2) {
            var fields = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[2] = "n/a"
            lines[k] = fields.joined(separator: ",")
        }
        try lines.joined(separator: "\n").write(to: ratings, atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(result.status == 1)
        #expect(result.problems.hasPrefix("error: \(ratings.path): preprocessing would drop "), "\(result.stderr)")
        #expect(result.problems.contains("above preprocess.max_dropped 0.2): missing_values "), "\(result.stderr)")
        #expect(result.problems.contains("unparsable_values "), "\(result.stderr)")
        #expect(result.problems.contains("\(ws.runDirectory.path)/dropped_rows.jsonl lists every row"), "\(result.stderr)")
        let dropped = try String(contentsOf: ws.runDirectory.appendingPathComponent("dropped_rows.jsonl"), encoding: .utf8)
        #expect(dropped.contains("\"rule\":\"unparsable_values\",\"value\":\"n/a\""), "\(dropped.prefix(300))")
        #expect(dropped.split(separator: "\n").count > 5000)
    }
}
