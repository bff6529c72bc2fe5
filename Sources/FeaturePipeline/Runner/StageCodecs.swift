import Foundation
import Recommender
import TensorCore

/// Binary forms of the data passed between stages (safetensors: compact, and numpy reads them).
enum StageCodecs {
    static func encode(_ set: RatingSet) throws -> Data {
        var metadata = ["user_ids": try jsonText(set.userIds), "item_ids": try jsonText(set.itemIds)]
        if set.splitTags.contains(where: { !$0.isEmpty }) { metadata["split_tags"] = try jsonText(set.splitTags) }
        return Safetensors.encode([
            bytesEntry("users", .int32, set.users), bytesEntry("items", .int32, set.items),
            bytesEntry("ratings", .float32, set.ratings), bytesEntry("timestamps", .float64, set.timestamps),
        ], metadata: metadata)
    }

    static func decodeRatingSet(_ url: URL) throws -> RatingSet {
        let file = try Safetensors.read(url)
        func values<T>(_ name: String, _ type: T.Type) throws -> [T] {
            guard let e = file[name] else { throw TensorFileError.malformed(url.path, "missing tensor \(name)") }
            return e.bytes.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
        let decoder = JSONDecoder()
        let tags = try file.metadata["split_tags"].map { try decoder.decode([String].self, from: Data($0.utf8)) }
        let users = try values("users", Int32.self)
        return RatingSet(
            userIds: try decoder.decode([String].self, from: Data((file.metadata["user_ids"] ?? "[]").utf8)),
            itemIds: try decoder.decode([String].self, from: Data((file.metadata["item_ids"] ?? "[]").utf8)),
            users: users, items: try values("items", Int32.self), ratings: try values("ratings", Float.self),
            timestamps: try values("timestamps", Double.self),
            splitTags: tags ?? [String](repeating: "", count: users.count))
    }

    static func encode(_ split: DataSplit) -> Data {
        Safetensors.encode([
            bytesEntry("parts", .uint8, split.parts.map(\.rawValue)),
            bytesEntry("buckets", .uint8, split.buckets.map(\.rawValue)),
        ])
    }

    static func decodeSplit(_ url: URL) throws -> DataSplit {
        let file = try Safetensors.read(url)
        guard let parts = file["parts"], let buckets = file["buckets"] else {
            throw TensorFileError.malformed(url.path, "missing parts or buckets")
        }
        return DataSplit(parts: parts.bytes.map { DataSplit.Part(rawValue: $0) ?? .train },
                         buckets: buckets.bytes.map { DataSplit.Bucket(rawValue: $0) ?? .warm })
    }

    static func bytesEntry<T>(_ name: String, _ dtype: Safetensors.DType, _ values: [T]) -> Safetensors.Entry {
        Safetensors.Entry(name: name, dtype: dtype, shape: [values.count], bytes: values.withUnsafeBytes { [UInt8]($0) })
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try StableJSON.encode(value, pretty: false).dropLast(), as: UTF8.self)
    }
}
