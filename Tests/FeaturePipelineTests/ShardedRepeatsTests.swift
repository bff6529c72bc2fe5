import Foundation
import TestSupport
import Testing
@testable import FeaturePipeline

/// A shard admits the rows an unsharded extract admits (the first row of each id, none without
/// one) while its ids are sorted on disk, not remembered: the parts of a catalog with repeated,
/// empty and canonically equal ids (café as é and as e + U+0301) merge to the unsharded bytes.
@Suite struct ShardedRepeatsTests {
    @Test func repeatedIdsShardToTheUnshardedBytes() throws {
        let dir = Repository.temporaryDirectory("shard-repeats")
        defer { try? FileManager.default.removeItem(at: dir) }
        let words = ["red", "green", "blue", "moon", "sun", "river", "stone", "song"]
        let rows = (0..<90).map { i -> String in
            let id = i % 17 == 3 ? "" : i % 29 == 7 ? (i % 2 == 0 ? "caf\u{E9}" : "cafe\u{301}") : "i\((i * 7) % 41)"
            return "\(id),\(words[i % 8]) \(words[(i * 3) % 8]),g\(i % 4)|g\(i % 3),\(Double(i) * 1.5)"
        }
        try Data((["item_id,title,genres,price"] + rows).joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("items.csv"))
        try Data("u,i,r\n".utf8).write(to: dir.appendingPathComponent("ratings.csv"))
        let yaml = """
            data: {items: {path: items.csv, id: item_id}, interactions: {path: ratings.csv, user: u, item: i, rating: r}}
            features:
              text: {fields: [title], dim: 8}
              fields: [{name: genres, type: multi_hot, separator: "|"}, {name: price, type: numeric}]
            """
        let spec = try PipelineSpec.parse(yaml, file: dir.appendingPathComponent("p.yaml"))
        var fit = CatalogFit(spec: spec, output: dir.appendingPathComponent("fit"))
        fit.quiet = true
        let items = try fit.execute().items
        func extract(_ shard: Shard?, into folder: String) throws -> OfflineExtraction.Summary {
            var extraction = OfflineExtraction(spec: spec, run: nil, output: dir.appendingPathComponent(folder))
            (extraction.fit, extraction.shard, extraction.quiet, extraction.chunkSize) = (dir.appendingPathComponent("fit"), shard, true, 4)
            return try extraction.execute()
        }
        let whole = try extract(nil, into: "whole")
        let parts = try (0..<3).map { try extract(try Shard(index: $0, count: 3), into: "parts").items }
        _ = try PartsMerge(parts: [dir.appendingPathComponent("parts")], output: dir.appendingPathComponent("merged")).execute()
        #expect(whole.items == items && items < 50 && parts.reduce(0, +) == items && parts.allSatisfy { $0 > 0 }, "\(parts)")
        let ids = try String(contentsOf: dir.appendingPathComponent("whole/item_ids.txt"), encoding: .utf8).split(separator: "\n")
        #expect(ids.filter { $0.hasPrefix("caf") }.count == 1, "café is one item: \(ids)")
        #expect(try StreamingExtractionTests.bytes(dir.appendingPathComponent("merged"))
            == StreamingExtractionTests.bytes(dir.appendingPathComponent("whole")))
    }
}
