import Foundation
import TestSupport
import Testing
@testable import FeaturePipeline

/// The shard of an id is fixed by a documented hash (SHA-256, first 8 bytes, big-endian, mod N):
/// golden values from Python's hashlib (scripts/golden/shard_keys.py).
@Suite struct ShardKeyTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            var id: String
            var key: String
            var shards: [String: Int]
        }
        var cases: [Case]
    }

    @Test func keysAndShardsMatchPythonHashlib() throws {
        let golden = try Repository.golden("scaleout/shard_keys.json", as: Golden.self)
        #expect(golden.cases.count == 12)
        for c in golden.cases {
            #expect(String(Shard.key(c.id)) == c.key, "key of \(c.id.debugDescription)")
            for (count, index) in c.shards {
                #expect(Shard.index(of: c.id, count: Int(count)!) == index, "\(c.id.debugDescription) among \(count)")
            }
        }
    }

    /// Every item lands in exactly one shard, and the shards of a few hundred ids are not lopsided.
    @Test func eachIdIsInOneShardAndShardsAreBalanced() throws {
        let ids = (0..<700).map { "item-\($0)" }
        let shards = try (0..<7).map { try Shard(index: $0, count: 7) }
        for id in ids { #expect(shards.filter { $0.holds(id) }.count == 1) }
        let sizes = shards.map { s in ids.filter { s.holds($0) }.count }
        #expect(sizes.allSatisfy { (60...140).contains($0) }, "\(sizes)")
    }

    @Test func partFoldersSortInShardOrder() throws {
        #expect(try Shard(index: 3, count: 7).folderName == "part-00003-of-00007")
        let names = try (0..<12).map { try Shard(index: $0, count: 12).folderName }
        #expect(names.sorted() == names)
    }

    @Test func outOfRangeShardsAreRefused() {
        #expect(throws: PipelineError.self) { try Shard(index: 4, count: 4) }
        #expect(throws: PipelineError.self) { try Shard(index: 0, count: 0) }
        #expect(throws: PipelineError.self) { try Shard(index: -1, count: 2) }
    }
}
