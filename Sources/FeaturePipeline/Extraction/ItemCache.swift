import Foundation
import TensorCore

/// Per-item features stored under their content key, so an unchanged item is never extracted
/// twice (across epochs, stages and runs): `cache/<modality>/<key[0..2]>/<key>.bin`.
struct ItemCache: Sendable {
    let root: URL

    func url(_ modality: String, _ key: String) -> URL {
        root.appendingPathComponent("\(modality)/\(key.prefix(2))/\(key).bin")
    }

    func read(_ modality: String, _ key: String) -> Data? {
        try? Data(contentsOf: url(modality, key))
    }

    func write(_ modality: String, _ key: String, _ data: Data) throws {
        try AtomicFile.write(data, to: url(modality, key))
    }

    /// The content key of one item's features: what produced them and the bytes they came from.
    static func key(modality: String, configuration: String, content: SHA256) -> String {
        var h = content
        h.field(modality)
        h.field(ToolVersion.current)
        h.field(configuration)
        return h.finalize()
    }
}

/// Little-endian Float32 bytes, the cache format of vector features.
enum FloatBytes {
    static func encode(_ values: [Float]) -> Data { values.withUnsafeBytes { Data($0) } }

    static func decode(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
    }
}
