import Foundation
import Recommender

/// An item added to a trained run after training (`POST /v1/items`): its row of the items file's
/// columns and its vectors from the model that embedded it, which its manifest hash names.
///
/// Vectors are kept as their float32 bytes (little-endian, base64 in JSON), so they read back
/// bit for bit.
public struct PostedItem: Sendable, Equatable, Codable {
    public var id: String
    /// Column → value, for the columns the row gave a value.
    public var row: [String: String]
    /// SHA-256 of the manifest.json of the run whose model embedded the item.
    public var manifestSHA256: String
    /// The fused item vector v_i (what `pipeline extract --model` writes for the row).
    public var vector: [Float]
    /// The ranking head's item vector ṽ_i.
    public var rankingVector: [Float]

    public init(id: String, row: [String: String], manifestSHA256: String, vector: [Float], rankingVector: [Float]) {
        (self.id, self.row, self.manifestSHA256, self.vector, self.rankingVector) = (id, row, manifestSHA256, vector, rankingVector)
    }

    enum CodingKeys: String, CodingKey {
        case id, row, manifestSHA256 = "manifest_sha256", vector, rankingVector = "ranking_vector"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        row = try c.decode([String: String].self, forKey: .row)
        manifestSHA256 = try c.decode(String.self, forKey: .manifestSHA256)
        vector = try Self.floats(c.decode(String.self, forKey: .vector), key: .vector, in: c)
        rankingVector = try Self.floats(c.decode(String.self, forKey: .rankingVector), key: .rankingVector, in: c)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(row, forKey: .row)
        try c.encode(manifestSHA256, forKey: .manifestSHA256)
        try c.encode(Self.base64(vector), forKey: .vector)
        try c.encode(Self.base64(rankingVector), forKey: .rankingVector)
    }

    private static func base64(_ values: [Float]) -> String {
        values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    private static func floats(_ text: String, key: CodingKeys, in c: KeyedDecodingContainer<CodingKeys>) throws -> [Float] {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not base64 float32 bytes")
        }
        return stride(from: 0, to: data.count, by: 4).map { k in
            Float(bitPattern: data[data.startIndex + k..<data.startIndex + k + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
    }
}

/// A posted row the catalog loader refuses, or whose input does not embed: the record (its
/// place in the request, from 1; 0 when not one row's) and the column.
public struct RejectedItem: Error, Sendable, Equatable {
    public var record: Int
    public var column: String?
    public var message: String
    public var hint: String

    init(_ error: DataError) {
        (record, column, message, hint) = (error.line, error.column, error.message, error.hint ?? "send rows in the items file's column names")
    }
}

/// An item posted with an id the run already has (its catalog's, or one posted before).
public struct ItemExists: Error, Sendable, Equatable {
    public var id: String
    public var posted: Bool

    public init(id: String, posted: Bool) { (self.id, self.posted) = (id, posted) }
}
