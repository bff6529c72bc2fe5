import TensorCore

/// Bags stacked as a CSR matrix — what `scipy.sparse.csr_matrix((data, indices, indptr),
/// shape=shape)` reads: row r's columns are `indices[indptr[r]..<indptr[r + 1]]` (ascending) with
/// values `data[…]`. A failed or empty item is an empty row; `missing[r]` is 1 when the row is
/// the zero vector (the fused model's missing mask).
public struct SparseRows: Sendable, Equatable {
    public var indptr: [Int64]
    public var indices: [Int32]
    public var data: [Float]
    public var missing: [UInt8]
    public var rows: Int { indptr.count - 1 }
    public var columns: Int

    public init(_ bags: [Result<TextBag, ItemError>], columns: Int) {
        self.init(bags.map { try? $0.get() }, columns: columns)
    }

    /// Rows from bags; nil (a failed item) gives an empty row.
    public init(_ bags: [TextBag?], columns: Int) {
        self.columns = columns
        indptr = [0]
        indptr.reserveCapacity(bags.count + 1)
        indices = []
        data = []
        missing = []
        for bag in bags {
            if let bag {
                precondition(bag.ids.allSatisfy { $0 < columns }, "a bag id exceeds the \(columns) columns")
                indices += bag.ids
                data += bag.weights
            }
            missing.append(bag?.isEmpty ?? true ? 1 : 0)
            indptr.append(Int64(indices.count))
        }
    }

    /// Safetensors entries `<prefix>.indptr` (I64), `.indices` (I32), `.data` (F32), `.shape`
    /// (I64, [rows, columns]) and `.missing` (U8), for `Safetensors.write`.
    public func safetensorsEntries(prefix: String = "text_tfidf") -> [Safetensors.Entry] {
        func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { [UInt8]($0) } }
        return [
            .init(name: "\(prefix).indptr", dtype: .int64, shape: [indptr.count], bytes: bytes(indptr.map(\.littleEndian))),
            .init(name: "\(prefix).indices", dtype: .int32, shape: [indices.count], bytes: bytes(indices.map(\.littleEndian))),
            .init(name: "\(prefix).data", dtype: .float32, shape: [data.count], bytes: bytes(data.map { $0.bitPattern.littleEndian })),
            .init(name: "\(prefix).shape", dtype: .int64, shape: [2], bytes: bytes([Int64(rows), Int64(columns)].map(\.littleEndian))),
            .init(name: "\(prefix).missing", dtype: .uint8, shape: [missing.count], bytes: missing),
        ]
    }
}
