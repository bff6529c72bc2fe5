import Crypto
import Foundation

/// SHA-256 of cache keys, artifact manifests and source files, as lowercase hex.
///
/// A thin layer over swift-crypto's `SHA256` that adds the two things the pipeline needs on top:
/// length-prefixed fields (so ("ab", "c") and ("a", "bc") key differently) and streaming a file
/// in 1 MiB blocks. The digests are plain SHA-256, so keys written by the earlier hand-written
/// hasher stay valid.
public struct ContentHash: Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    public mutating func update(_ data: Data) { hasher.update(data: data) }
    public mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }
    public mutating func update(_ string: String) { hasher.update(data: Array(string.utf8)) }

    /// Adds a length-prefixed field, so that ("ab", "c") and ("a", "bc") hash differently.
    public mutating func field(_ string: String) {
        var n = UInt64(string.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { update($0) }
        update(string)
    }

    public func finalize() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in hasher.finalize() { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    public static func hex(_ data: Data) -> String {
        var h = ContentHash()
        h.update(data)
        return h.finalize()
    }

    public static func hex(_ string: String) -> String {
        var h = ContentHash()
        h.update(string)
        return h.finalize()
    }

    /// Hash of a file's bytes, read in 1 MiB blocks.
    public static func hex(fileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var h = ContentHash()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { h.update(block) }
        return h.finalize()
    }
}
