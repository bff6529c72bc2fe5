import FeaturePipeline
import Foundation
import TestSupport
import Testing

/// `predict`, `recommend` and `similar` read the run's item store (the items posted to
/// `pipeline serve`), so they answer for a posted item as the server does, and name a line of
/// the store they drop on stderr.
@Suite struct ItemStoreCommandTests {
    @Test func offlineCommandsScoreStoredItemsAndWarnOfDamagedLines() throws {
        let dir = Repository.temporaryDirectory("item-store-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try TinyCatalog.write(to: dir, itemColumns: "title") { "tone\($0 % 5) beat\($0 % 3)" }
        try TinyCatalog.writePipeline(to: dir, name: "stored")
        #expect(try PipelineProcess.run(["run", dir.appendingPathComponent("stored.yaml").path, "--quiet"]).status == 0)
        let run = dir.appendingPathComponent("run")

        // What the server writes for a post: the row embedded by the run, appended to the store.
        let trained = try TrainedRun(directory: run)
        let posted = try trained.embed(rows: Data(#"{"item_id": "new1", "title": "tone2 beat1"}"#.utf8), source: "test")
        try ItemStore(run: run).append(posted)
        #expect(try trained.addItemStore() == [])
        let expected = try trained.predict(user: "u3", item: "new1")

        let predicted = try PipelineProcess.run(["predict", run.path, "--user", "u3", "--item", "new1", "--json"])
        #expect(predicted.status == 0 && predicted.stderr.isEmpty, "\(predicted.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [String: Any])
        #expect((object["prediction"] as? NSNumber)?.floatValue == expected.prediction)
        #expect(object["item_known"] as? Bool == false)
        let similar = try PipelineProcess.run(["similar", run.path, "new1", "-k", "3"])
        #expect(similar.status == 0 && similar.stdout.split(separator: "\n").count == 3, "\(similar.stderr)")
        let listed = try PipelineProcess.run(["recommend", run.path, "--user", "u3", "-k", "41", "--exclude-seen", "none", "--json"])
        #expect(listed.stdout.contains(#""item":"new1""#), "\(listed.stdout.prefix(300))")

        // A line cut short is dropped with a warning; the stored item still answers.
        let store = ItemStore(run: run).url
        try (Data(contentsOf: store) + Data(#"{"id":"new2""#.utf8)).write(to: store)
        let again = try PipelineProcess.run(["predict", run.path, "--user", "u3", "--item", "new1"])
        #expect(again.status == 0)
        #expect(again.stderr == "warning: item_store/items.jsonl: line 2 is incomplete (a write cut short); it is dropped\n")
    }
}
