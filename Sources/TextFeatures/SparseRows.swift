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

    /// The rows `safetensorsEntries(prefix:)` wrote.
    public init(entries: [Safetensors.Entry], prefix: String = "text_tfidf") {
        func values<T: BitwiseCopyable>(_ tensor: String, _: T.Type) -> [T] {
            guard let entry = entries.first(where: { $0.name == "\(prefix).\(tensor)" }) else {
                preconditionFailure("no \(prefix).\(tensor) among \(entries.map(\.name))")
            }
            return entry.bytes.withUnsafeBytes { raw in
                [T](unsafeUninitializedCapacity: raw.count / MemoryLayout<T>.stride) { buffer, count in
                    count = buffer.count
                    if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
                }
            }
        }
        indptr = values("indptr", Int64.self).map(Int64.init(littleEndian:))
        indices = values("indices", Int32.self).map(Int32.init(littleEndian:))
        data = values("data", UInt32.self).map { Float(bitPattern: UInt32(littleEndian: $0)) }
        missing = values("missing", UInt8.self)
        columns = Int(Int64(littleEndian: values("shape", Int64.self)[1]))
    }

    /// Consecutive blocks of rows with the same columns, as one matrix.
    public init(joining parts: [SparseRows]) {
        precondition(Set(parts.map(\.columns)).count <= 1, "rows of \(Set(parts.map(\.columns))) columns joined")
        columns = parts.first?.columns ?? 0
        indptr = [0]
        indices = []
        data = []
        missing = []
        for part in parts {
            let start = indptr[indptr.count - 1]
            indptr += part.indptr.dropFirst().map { $0 + start }
            indices += part.indices
            data += part.data
            missing += part.missing
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
