import CatalogGenerator
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct CatalogGeneratorTests {
    static func small(seed: UInt64 = 7, media: Bool = true) -> CatalogGenerator.Options {
        var options = CatalogGenerator.Options()
        options.items = 12
        options.users = 6
        options.ratings = 60
        options.seed = seed
        options.media = media
        return options
    }

    /// Every file under `dir`, relative path → bytes.
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let paths = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        for path in paths {
            var isFolder: ObjCBool = false
            let url = dir.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                out[path] = try Data(contentsOf: url)
            }
        }
        return out
    }

    @Test func sameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws {
        let a = Repository.temporaryDirectory("gen-a"), b = Repository.temporaryDirectory("gen-b")
        let c = Repository.temporaryDirectory("gen-c")
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
        _ = try CatalogGenerator(options: Self.small()).write(to: a)
        _ = try CatalogGenerator(options: Self.small()).write(to: b)
        _ = try CatalogGenerator(options: Self.small(seed: 8)).write(to: c)
        let first = try Self.files(a)
        #expect(first.keys.contains("items.csv") && first.keys.contains("ratings.csv"))
        #expect(first.keys.contains { $0.hasPrefix("media/images/") } && first.keys.contains { $0.hasPrefix("media/audio/") })
        #expect(first == (try Self.files(b)))
        #expect(first["ratings.csv"] != (try Self.files(c))["ratings.csv"])
    }

    @Test func summaryCountsWhatTheFilesHold() throws {
        let dir = Repository.temporaryDirectory("gen-count")
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try CatalogGenerator(options: Self.small(media: false)).write(to: dir)
        func rows(_ name: String) throws -> Int {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").count - 1
        }
        #expect(try rows("items.csv") == 12)
        #expect(try rows("users.csv") == 6)
        #expect(try rows("ratings.csv") == summary.ratingRows)
        #expect(summary.ratingRows >= 6 * 5, "each user rates at least 5 items")
        #expect(summary.images == 0 && summary.clips == 0)
    }

    @Test(arguments: [(0, 6, 60, "--items 0"), (5, 6, 60, "--items 5"), (12, 0, 60, "--users 0"), (12, 6, 29, "--ratings 29")])
    func optionsItCannotHonourAreRefusedByName(items: Int, users: Int, ratings: Int, named: String) throws {
        var options = Self.small(media: false)
        options.items = items
        options.users = users
        options.ratings = ratings
        let error = try #require(throws: CatalogGenerator.InvalidOption.self) { try CatalogGenerator(options: options).validate() }
        #expect(error.description.hasPrefix(named + " is out of range (hint: "))
    }
}
