import Crypto
import Foundation

/// One shard of a catalog: shard `index` of `count` (0-based), as `pipeline extract --shard I/N`
/// selects it.
///
/// An item belongs to the shard `key(id) mod count`, where `key` is the first 8 bytes of the
/// SHA-256 of the id's UTF-8 bytes read as a big-endian unsigned integer: the same on every
/// platform and in every process (Swift's `Hasher` is seeded per process), and computable in one
/// line of Python (`scripts/golden/shard_keys.py`, docs/scale-out.md).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else {
            throw PipelineError(what: "shard count \(count) is not a positive number", hint: "write --shard I/N with N ≥ 1")
        }
        guard (0..<count).contains(index) else {
            throw PipelineError(what: "shard \(index) is outside 0..<\(count)",
                                hint: "shard indices count from 0: --shard 0/\(count) … --shard \(count - 1)/\(count)")
        }
        (self.index, self.count) = (index, count)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// The first 8 bytes of SHA-256(UTF-8 of `id`), big-endian.
    public static func key(_ id: String) -> UInt64 {
        SHA256.hash(data: Array(id.utf8)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// The shard of `id` among `count` shards.
    public static func index(of id: String, count: Int) -> Int { Int(key(id) % UInt64(count)) }

    public func holds(_ id: String) -> Bool { Self.index(of: id, count: count) == index }

    /// The part folder's name inside a parts folder: `part-00003-of-00007`.
    public var folderName: String {
        "part-" + Self.padded(index) + "-of-" + Self.padded(count)
    }

    private static func padded(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
