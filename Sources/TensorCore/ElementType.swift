/// Element types of the tensor files (.npy and .safetensors) and their codes in each format.
public enum ElementType: Sendable, CaseIterable {
    case float32, float64, int32, int64, uint8

    public var size: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .uint8: return 1
        }
    }

    /// NumPy's `descr` (little-endian).
    public var numpyCode: String {
        switch self {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint8: return "|u1"
        }
    }

    /// The safetensors header's `dtype`.
    public var safetensorsCode: String {
        switch self {
        case .float32: return "F32"
        case .float64: return "F64"
        case .int32: return "I32"
        case .int64: return "I64"
        case .uint8: return "U8"
        }
    }

    public init?(numpyCode: String) {
        guard let t = Self.allCases.first(where: { $0.numpyCode == numpyCode || ($0 == .uint8 && numpyCode == "<u1") }) else { return nil }
        self = t
    }

    public init?(safetensorsCode: String) {
        guard let t = Self.allCases.first(where: { $0.safetensorsCode == safetensorsCode }) else { return nil }
        self = t
    }

    /// Little-endian elements of this type as Float (wider types converted).
    public func floats(_ bytes: [UInt8], count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            switch self {
            case .float32: return (0..<count).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
            case .float64: return (0..<count).map { Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian)) }
            case .int32: return (0..<count).map { Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) }
            case .int64: return (0..<count).map { Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
            case .uint8: return raw.prefix(count).map { Float($0) }
            }
        }
    }
}
