import Foundation

/// Reads and writes NumPy `.npy` files (format version 1.0, little-endian, C order).
///
/// Layout: magic `\x93NUMPY`, version 1.0, a little-endian UInt16 header length, then an ASCII
/// Python dict `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces
/// and ended by `\n` so that the data starts at a multiple of 64 bytes, then the raw elements.
/// Reference: numpy/lib/format.py (NEP 1).
public enum NumpyFile {
    public typealias DType = ElementType

    /// An array as stored: dtype, shape and the raw little-endian element bytes.
    public struct Array: Sendable {
        public var dtype: DType
        public var shape: [Int]
        public var bytes: [UInt8]

        /// The elements as Float (float64 and integer data converted).
        public func floats() -> [Float] { dtype.floats(bytes, count: Tensor.elementCount(shape)) }

        public func tensor() -> Tensor { Tensor(shape: shape, storage: floats()) }
    }

    /// The complete file bytes for `tensor` as float32.
    public static func encode(_ tensor: Tensor) -> Data {
        tensor.storage.withUnsafeBytes { encode(dtype: .float32, shape: tensor.shape, littleEndianBytes: $0) }
    }

    /// The complete file bytes for int32 values of `shape`.
    public static func encode(int32 values: [Int32], shape: [Int]) -> Data {
        precondition(values.count == Tensor.elementCount(shape), "\(values.count) values do not fit shape \(shape)")
        return values.withUnsafeBytes { encode(dtype: .int32, shape: shape, littleEndianBytes: $0) }
    }

    public static func encode(dtype: DType, shape: [Int], littleEndianBytes: UnsafeRawBufferPointer) -> Data {
        precondition(littleEndianBytes.count == Tensor.elementCount(shape) * dtype.size, "byte count does not fit shape")
        var data = Data(header(dtype: dtype, shape: shape))
        data.append(contentsOf: littleEndianBytes)
        return data
    }

    /// Everything before the elements: magic, version, header length and the padded header, a
    /// multiple of 64 bytes. A writer that learns the shape only at the end writes a placeholder
    /// of the same length first (2-d shapes always take 128 bytes) and patches it.
    public static func header(dtype: DType, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(dtype.numpyCode)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let len = UInt16(header.utf8.count)
        return [0x93] + Swift.Array("NUMPY".utf8) + [1, 0, UInt8(len & 0xFF), UInt8(len >> 8)] + Swift.Array(header.utf8)
    }

    public static func write(_ tensor: Tensor, to url: URL) throws {
        try AtomicFile.write(encode(tensor), to: url)
    }

    public static func read(_ url: URL) throws -> Array {
        let data = try Data(contentsOf: url)
        return try decode(Swift.Array(data), name: url.path)
    }

    /// Parses `.npy` bytes; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String = "<memory>") throws -> Array {
        func fail(_ why: String) -> TensorFileError { .malformed(name, why) }
        guard bytes.count >= 10, bytes[0] == 0x93, Swift.Array(bytes[1..<6]) == Swift.Array("NUMPY".utf8) else {
            throw fail("missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerStart: Int, headerLen: Int
        switch major {
        case 1: headerLen = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default: throw fail("unsupported format version \(major)")
        }
        guard headerStart + headerLen <= bytes.count else { throw fail("header runs past the end of the file") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLen)], as: UTF8.self)
        guard let descr = pythonValue(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")),
            let dtype = DType(numpyCode: descr)
        else { throw fail("unsupported or missing 'descr' in header \(header)") }
        guard pythonValue(of: "fortran_order", in: header) == "False" else { throw fail("Fortran order is not supported") }
        guard let shapeText = pythonValue(of: "shape", in: header) else { throw fail("missing 'shape'") }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let v = Int(d), v >= 0 else { throw fail("bad dimension '\(d)'") }
            return v
        }
        let start = headerStart + headerLen
        let (expected, overflow) = Tensor.elementCount(shape).multipliedReportingOverflow(by: dtype.size)
        guard !overflow, bytes.count - start == expected else {
            throw fail("data holds \(bytes.count - start) bytes, shape \(shape) of \(dtype.numpyCode) needs \(expected)")
        }
        return Array(dtype: dtype, shape: shape, bytes: Swift.Array(bytes[start...]))
    }

    /// The text of `key`'s value in a Python dict literal (tuples kept whole).
    private static func pythonValue(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}

public enum TensorFileError: Error, CustomStringConvertible, Equatable {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let file, let why): return "\(file): not a valid tensor file: \(why)"
        }
    }
}
