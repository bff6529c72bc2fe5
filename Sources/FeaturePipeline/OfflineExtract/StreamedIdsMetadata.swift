import Foundation
import TensorCore

/// The `item_ids` metadata of item_embeddings.safetensors (the ids as a JSON array, itself a JSON
/// string in the header) built as the ids arrive and kept in a hidden spill file, so that the
/// header is written without holding every id: `pipeline merge`'s memory does not grow with the
/// catalog. The bytes are those of `Safetensors.header` given the whole list.
final class StreamedIdsMetadata {
    private let spill: AtomicFileWriter
    private var count = 0

    init(output: URL) throws {
        spill = try AtomicFileWriter(output.appendingPathComponent("item_embeddings.safetensors.item_ids"))
    }

    /// Escaped for the header as `Safetensors.jsonString` escapes, without its quotes.
    private static func escaped(_ text: String) -> String { String(Safetensors.jsonString(text).dropFirst().dropLast()) }

    func append(_ ids: [String]) throws {
        var text = ""
        for id in ids {
            text += Self.escaped((count == 0 ? "" : ",") + (try StageCodecs.jsonText(id)))
            count += 1
        }
        try spill.append(text)
    }

    /// Writes the header for `layouts` and `metadata` plus `item_ids` to `file`; returns the
    /// order in which the tensors' bytes follow (as `Safetensors.header`).
    func writeHeader(_ layouts: [Safetensors.Layout], metadata: [String: String], to file: AtomicFileWriter) throws -> [Int] {
        let marker = "\u{1}item_ids\u{1}"  // escaped to \u0001…, so it cannot be a real value's bytes
        let (bytes, order) = Safetensors.header(layouts, metadata: metadata.merging(["item_ids": marker]) { a, _ in a })
        var json = Array(bytes.dropFirst(8))
        while json.last == UInt8(ascii: " ") { json.removeLast() }  // the padding; the JSON ends with }
        let hole = Array(Self.escaped(marker).utf8)
        guard let at = (0...(json.count - hole.count)).first(where: { json[$0..<($0 + hole.count)].elementsEqual(hole) }) else {
            preconditionFailure("the item_ids marker is missing from the safetensors header")
        }
        let (head, tail) = (Array(json[..<at]), Array(json[(at + hole.count)...]))
        let length = head.count + 1 + spill.size + 1 + tail.count
        let padding = (8 - length % 8) % 8
        var size = UInt64(length + padding).littleEndian
        try withUnsafeBytes(of: &size) { try file.append($0) }
        try file.append(head + [UInt8(ascii: "[")])
        try file.append(contentsOf: spill)
        try file.append([UInt8(ascii: "]")] + tail + [UInt8](repeating: UInt8(ascii: " "), count: padding))
        return order
    }
}
