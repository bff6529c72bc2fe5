import Foundation
import TestSupport
import Testing

@Suite struct PredictCommandTests {
    @Test func knownPairsUnknownUsersAndJSON() throws {
        let run = try FixtureRun.directory().path
        let plain = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "i00010"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let value = try #require(Double(plain.stdout.split(separator: " ").first.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(value >= 0.5 && value <= 5)
        let json = try PipelineProcess.run(["predict", run, "--user", "stranger", "--item", "i00010", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["user_known"] as? Bool == false && object["item"] as? String == "i00010")
        let missing = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "nope"])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: no item 'nope' in this run's catalog"))
    }

    /// A new item with content but no ratings, in a catalog the run never saw, is scored from its
    /// content; the same content under a known item's catalog gives a different (id-aware) score.
    @Test func aNewItemWithContentIsScored() throws {
        let run = try FixtureRun.directory()
        let dir = Repository.temporaryDirectory("new-item")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = Repository.fixture("catalog")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("media"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("media/images/i00005.png"), to: dir.appendingPathComponent("media/new.png"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("media/audio/i00005.flac"), to: dir.appendingPathComponent("media/new.flac"))
        try """
            item_id,title,description,genres,category,price,image,audio
            brand-new,The Cosmic Signal,"A stellar android finds a nebula, 星系的故事.",SciFi,scifi,12.5,media/new.png,media/new.flac

            """.write(to: dir.appendingPathComponent("items.csv"), atomically: true, encoding: .utf8)
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/catalog/items.csv", with: dir.appendingPathComponent("items.csv").path)
            .replacingOccurrences(of: "../fixtures/", with: fixtures.deletingLastPathComponent().path + "/")
        try yaml.write(to: dir.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["predict", run.path, "--user", "u0001", "--item", "brand-new",
                                              "--catalog", dir.appendingPathComponent("new.yaml").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["item_known"] as? Bool == false)
        let p = try #require(object["prediction"] as? Double)
        #expect(p >= 0.5 && p <= 5)
    }
}
