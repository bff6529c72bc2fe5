import Foundation

/// Reads and writes `.safetensors` files.
///
/// Layout (huggingface/safetensors, "Format"): an unsigned little-endian 64-bit header size N,
/// then N bytes of UTF-8 JSON mapping each tensor name to `{"dtype", "shape", "data_offsets":
/// [begin, end]}` (offsets relative to the byte buffer after the header) plus an optional
/// `"__metadata__"` string-to-string map, then the byte buffer. The header is padded with spaces
/// to a multiple of 8 bytes. Tensors are little-endian, row-major, contiguous and non-overlapping,
/// and together cover the whole buffer. Keys are written sorted, so equal inputs give equal bytes.
public enum Safetensors {
    public typealias DType = ElementType

    /// One stored tensor: name, dtype, shape and little-endian bytes.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
            precondition(bytes.count == Tensor.elementCount(shape) * dtype.size, "\(name): bytes do not fit \(shape)")
            self.name = name; self.dtype = dtype; self.shape = shape; self.bytes = bytes
        }

        public init(name: String, tensor: Tensor) {
            self.init(
                name: name, dtype: .float32, shape: tensor.shape,
                bytes: tensor.storage.withUnsafeBytes { [UInt8]($0) })
        }

        /// Float32 data as a tensor (other dtypes converted).
        public func tensor() -> Tensor {
            Tensor(shape: shape, storage: dtype.floats(bytes, count: Tensor.elementCount(shape)))
        }
    }

    /// A parsed file: tensors in buffer order and the metadata map.
    public struct File: Sendable {
        public var entries: [Entry]
        public var metadata: [String: String]

        public init(entries: [Entry], metadata: [String: String] = [:]) {
            self.entries = entries
            self.metadata = metadata
        }
        public subscript(name: String) -> Entry? { entries.first { $0.name == name } }
    }

    /// File bytes for `entries` and `metadata`, laid out as the reference implementation does
    /// (data ordered by dtype, widest first, then by name), so both write identical bytes.
    public static func encode(_ entries: [Entry], metadata: [String: String] = [:]) -> Data {
        let (data, order) = header(entries.map { Layout(name: $0.name, dtype: $0.dtype, shape: $0.shape) }, metadata: metadata)
        var file = Data(data)
        for k in order { file.append(contentsOf: entries[k].bytes) }
        return file
    }

    /// Name, dtype and shape of a tensor whose bytes are written separately.
    public struct Layout: Sendable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public init(name: String, dtype: DType, shape: [Int]) { self.name = name; self.dtype = dtype; self.shape = shape }
        var byteCount: Int { Tensor.elementCount(shape) * dtype.size }
    }

    /// The 8-byte size and the padded JSON header for tensors of these layouts, and the order in
    /// which their bytes must follow (indices into `layouts`), for writers that stream the data.
    public static func header(_ layouts: [Layout], metadata: [String: String] = [:]) -> (bytes: [UInt8], order: [Int]) {
        precondition(Set(layouts.map(\.name)).count == layouts.count, "duplicate tensor names")
        let order = layouts.indices.sorted { a, b in
            (referenceOrder(layouts[a].dtype), layouts[b].name) > (referenceOrder(layouts[b].dtype), layouts[a].name)
        }
        var offset = 0
        var fields: [(String, String)] = []
        for e in order.map({ layouts[$0] }) {
            let shape = "[" + e.shape.map(String.init).joined(separator: ",") + "]"
            fields.append((e.name, "{\"dtype\":\"\(e.dtype.safetensorsCode)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + e.byteCount)]}"))
            offset += e.byteCount
        }
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append(("__metadata__", "{" + pairs.joined(separator: ",") + "}"))
        }
        fields.sort { $0.0 < $1.0 }
        var header = "{" + fields.map { "\(jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        var bytes: [UInt8] = []
        var size = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &size) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header.utf8)
        return (bytes, order)
    }

    public static func write(_ entries: [Entry], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(entries, metadata: metadata), to: url)
    }

    public static func read(_ url: URL) throws -> File {
        try decode([UInt8](try Data(contentsOf: url)), name: url.path)
    }

    /// Parses and validates file bytes against the format's rules.
    public static func decode(_ bytes: [UInt8], name: String = "<memory>") throws -> File {
        func fail(_ why: String) -> TensorFileError { .malformed(name, why) }
        guard bytes.count >= 8 else { throw fail("shorter than the 8-byte header size") }
        let n = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n <= UInt64(bytes.count - 8) else { throw fail("header size \(n) runs past the end of the file") }
        let headerEnd = 8 + Int(n)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])),
            let object = json as? [String: Any]
        else { throw fail("header is not a JSON object") }
        let buffer = bytes[headerEnd...]
        var metadata: [String: String] = [:]
        var entries: [(Int, Entry)] = []
        for (key, value) in object {
            if key == "__metadata__" {
                guard let m = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                metadata = m
                continue
            }
            guard let info = value as? [String: Any], let dtypeName = info["dtype"] as? String,
                let dtype = DType(safetensorsCode: dtypeName), let shape = info["shape"] as? [Int],
                let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("entry '\(key)' lacks a known dtype, a shape or two data_offsets") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= buffer.count,
                end - begin == Tensor.elementCount(shape) * dtype.size
            else { throw fail("entry '\(key)' has offsets \(offsets) that do not fit its shape \(shape) or the buffer") }
            let start = buffer.startIndex
            entries.append((begin, Entry(name: key, dtype: dtype, shape: shape, bytes: Array(bytes[(start + begin)..<(start + end)]))))
        }
        // By offset, then size: an empty tensor shares its offset with the next one, and must come
        // first (the header's key order is random, and sort is not stable).
        entries.sort { ($0.0, $0.1.bytes.count) < ($1.0, $1.1.bytes.count) }
        var cursor = 0
        for (begin, e) in entries {
            guard begin == cursor else { throw fail("tensor '\(e.name)' leaves a hole or overlaps at byte \(cursor)") }
            cursor += e.bytes.count
        }
        guard cursor == buffer.count else { throw fail("buffer has \(buffer.count - cursor) bytes no tensor covers") }
        return File(entries: entries.map(\.1), metadata: metadata)
    }

    /// Rank in the reference implementation's dtype enum (U8 < I32 < F32 < F64 < I64), by which it
    /// orders the data, widest first.
    static func referenceOrder(_ t: ElementType) -> Int {
        switch t {
        case .uint8: return 0
        case .int32: return 1
        case .float32: return 2
        case .float64: return 3
        case .int64: return 4
        }
    }

    /// A JSON string literal (RFC 8259 escapes), as the header writes its names and metadata.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Safetensors.Entry {
    /// A one-dimensional entry holding `values`' bytes as they lie in memory (little-endian here).
    public static func vector<T>(_ name: String, _ dtype: Safetensors.DType, _ values: [T]) -> Safetensors.Entry {
        Safetensors.Entry(name: name, dtype: dtype, shape: [values.count], bytes: values.withUnsafeBytes { [UInt8]($0) })
    }
}
