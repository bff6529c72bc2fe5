import Foundation
import TensorCore

/// Every item's pooled audio features, extracted once by the pass that fits the audio scaler and
/// read back chunk by chunk by the pass that embeds the items, from a hidden file beside the
/// outputs (removed when dropped): one record per item, `width` float32 values then a presence
/// byte. Failures (rare) are kept by item index.
final class AudioSpill {
    private let file: AtomicFileWriter
    private(set) var width: Int?
    private var failures: [Int: [ItemFailure]] = [:]
    private(set) var items = 0

    init(output: URL) throws {
        file = try AtomicFileWriter(output.appendingPathComponent("audio.features.spill"))
    }

    private var record: Int { (width ?? 0) * 4 + 1 }

    /// Appends a chunk's features (items, width), presence and failures (whose `item` ids are
    /// those of `ids`, the chunk's items in order).
    func append(_ features: Tensor, present: [UInt8], failures chunkFailures: [ItemFailure], ids: [String]) throws {
        if width == nil { width = features.shape[1] }
        let w = features.shape[1]
        var bytes = [UInt8](repeating: 0, count: present.count * record)
        features.storage.withUnsafeBytes { values in
            for r in present.indices {
                bytes.withUnsafeMutableBytes { out in
                    out.baseAddress!.advanced(by: r * record).copyMemory(from: values.baseAddress! + r * w * 4, byteCount: w * 4)
                }
                bytes[r * record + w * 4] = present[r]
            }
        }
        try file.append(bytes)
        let index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for f in chunkFailures { failures[items + (index[f.item] ?? 0), default: []].append(f) }
        items += present.count
    }

    /// The features of items `range` (catalog indices), as `ItemFeatureSet` takes them.
    func read(_ range: Range<Int>) throws -> ItemFeatureSet.ExtractedAudio {
        let w = width ?? 0
        let bytes = try file.read(at: range.lowerBound * record, count: range.count * record)
        var features = Tensor(shape: [range.count, w])
        var present = [UInt8](repeating: 0, count: range.count)
        features.storage.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { raw in
                for r in 0..<range.count {
                    (out.baseAddress! + r * w * 4).copyMemory(from: raw.baseAddress! + r * record, byteCount: w * 4)
                    present[r] = raw[r * record + w * 4]
                }
            }
        }
        return .init(features: features, present: present, failures: range.flatMap { failures[$0] ?? [] })
    }
}
