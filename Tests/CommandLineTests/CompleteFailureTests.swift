import Foundation
import TestSupport
import Testing

/// A run where a whole modality, or every item, failed says so and exits with status 4 (partial
/// failure), after finishing what it can.
@Suite(.serialized) struct CompleteFailureTests {
    /// Deletes the media file of `modality` ("images" or "audio") for the items `which` selects
    /// (by position in the catalog, with the item id), and returns how many were deleted.
    @discardableResult
    func deleteMedia(_ ws: CatalogWorkspace, _ modality: String, where which: (Int, String) -> Bool) throws -> Int {
        let folder = ws.catalog.appendingPathComponent("media/\(modality)")
        var deleted = 0
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) {
            let id = file.deletingPathExtension().lastPathComponent
            guard let position = Int(id.dropFirst()).map({ $0 - 1 }), which(position, id) else { continue }
            try FileManager.default.removeItem(at: file)
            deleted += 1
        }
        return deleted
    }

    func mediaIds(_ ws: CatalogWorkspace, _ modality: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: ws.catalog.appendingPathComponent("media/\(modality)").path)
            .map { String($0.prefix { $0 != "." }) })
    }

    @Test func everyImageFailingFinishesTheRunAndExitsWithStatus4() throws {
        let ws = try HostileCatalog.workspace("all-images", onError: "fallback", epochs: 2)
        defer { ws.remove() }
        let images = try deleteMedia(ws, "images") { _, _ in true }
        let result = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(result.status == 4, "\(result.stderr)")
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors == ["error: every image input failed: \(images) of \(images) items with an image were rejected (\(images) missing) (hint: see \(ws.runDirectory.path)/errors.jsonl)"],
                "\(result.stderr)")
        #expect(result.stderr.contains("7 of 7 stages ran"), "the run finished what it could")
        for name in ["item_embeddings.npy", "model.safetensors", "metrics.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: ws.runDirectory.appendingPathComponent(name).path), "\(name)")
        }
        let summary = try String(contentsOf: ws.runDirectory.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("every image input failed"), "summary.json keeps the verdict")

        // A rerun skips every stage and still reports it.
        let again = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(again.status == 4 && again.stderr.contains("every image input failed"), "\(again.stderr)")
    }

    @Test func everyItemFailingInSomeModalityIsReportedToo() throws {
        let ws = try HostileCatalog.workspace("all-items", onError: "fallback", epochs: 2)
        defer { ws.remove() }
        // Items 0…149 lose their image, the others their clip; an item without one loses the other.
        let withImage = try mediaIds(ws, "images"), withAudio = try mediaIds(ws, "audio")
        try deleteMedia(ws, "images") { position, id in position < 150 || !withAudio.contains(id) }
        try deleteMedia(ws, "audio") { position, id in position >= 150 || !withImage.contains(id) }
        let result = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("error: every item failed: each of the 300 items has a rejected input"), "\(result.stderr)")
        #expect(!result.stderr.contains("every image input failed") && !result.stderr.contains("every audio input failed"))
    }

    @Test func skipThatLeavesNothingToTrainOnStopsWithStatus4() throws {
        let ws = try HostileCatalog.workspace("nothing-left", onError: "skip", epochs: 2)
        defer { ws.remove() }
        try deleteMedia(ws, "images") { _, _ in true }
        try deleteMedia(ws, "audio") { _, _ in true }
        let result = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.problems.hasPrefix("error: nothing is left to train on: on_error: skip set aside 300 of 300 items"), "\(result.stderr)")
        #expect(result.problems.split(separator: "\n").count == 1, "one line")
        let errors = try String(contentsOf: ws.runDirectory.appendingPathComponent("errors.jsonl"), encoding: .utf8)
        #expect(errors.split(separator: "\n").count == 296 + 293, "errors.jsonl in the run folder lists every rejected file")
        #expect(!FileManager.default.fileExists(atPath: ws.runDirectory.appendingPathComponent("stages/train").path))
    }

    @Test func someBadFilesAreNotACompleteFailure() throws {
        let ws = try HostileCatalog.workspace("some-bad", onError: "fallback", epochs: 2)
        defer { ws.remove() }
        try deleteMedia(ws, "images") { position, _ in position % 2 == 0 }
        let result = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("error:"))
        let summary = try String(contentsOf: ws.runDirectory.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(!summary.contains("failures"), "summary.json is unchanged when nothing failed wholesale")
    }
}
