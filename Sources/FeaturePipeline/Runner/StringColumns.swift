import Foundation
import TensorCore

/// Columns of optional strings stored compactly in safetensors: per column, the UTF-8 bytes of
/// every value back to back (`<name>.bytes`), where each value starts (`<name>.offsets`, I64,
/// n + 1 entries) and whether it is present (`<name>.present`, U8). Much faster than JSON for the
/// 100k-row tables the load stage hands on.
enum StringColumns {
    static func entries(_ name: String, _ values: [String?]) -> [Safetensors.Entry] {
        var bytes: [UInt8] = []
        var offsets: [Int64] = [0]
        offsets.reserveCapacity(values.count + 1)
        var present: [UInt8] = []
        present.reserveCapacity(values.count)
        for v in values {
            if let v { bytes.append(contentsOf: v.utf8) }
            offsets.append(Int64(bytes.count))
            present.append(v == nil ? 0 : 1)
        }
        return [
            .init(name: "\(name).bytes", dtype: .uint8, shape: [bytes.count], bytes: bytes),
            Safetensors.Entry.vector("\(name).offsets", .int64, offsets),
            .init(name: "\(name).present", dtype: .uint8, shape: [present.count], bytes: present),
        ]
    }

    static func decode(_ name: String, from file: Safetensors.File, source: String) throws -> [String?] {
        guard let bytes = file["\(name).bytes"], let offsets = file["\(name).offsets"], let present = file["\(name).present"] else {
            throw TensorFileError.malformed(source, "missing string column \(name)")
        }
        let starts = offsets.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        return bytes.bytes.withUnsafeBufferPointer { raw in
            present.bytes.indices.map { k -> String? in
                guard present.bytes[k] != 0 else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: raw[Int(starts[k])..<Int(starts[k + 1])]), as: UTF8.self)
            }
        }
    }
}
