import Foundation
import Recommender
import TensorCore

/// Binary forms of the data passed between stages (safetensors: compact, and numpy reads them).
enum StageCodecs {
    static func encode(_ set: RatingSet) throws -> Data {
        var metadata = ["user_ids": try jsonText(set.userIds), "item_ids": try jsonText(set.itemIds)]
        if set.splitTags.contains(where: { !$0.isEmpty }) { metadata["split_tags"] = try jsonText(set.splitTags) }
        if set.implicit { metadata["feedback"] = "implicit" }
        return Safetensors.encode([
            Safetensors.Entry.vector("users", .int32, set.users), Safetensors.Entry.vector("items", .int32, set.items),
            Safetensors.Entry.vector("ratings", .float32, set.ratings), Safetensors.Entry.vector("timestamps", .float64, set.timestamps),
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
        var set = RatingSet(
            userIds: try decoder.decode([String].self, from: Data((file.metadata["user_ids"] ?? "[]").utf8)),
            itemIds: try decoder.decode([String].self, from: Data((file.metadata["item_ids"] ?? "[]").utf8)),
            users: users, items: try values("items", Int32.self), ratings: try values("ratings", Float.self),
            timestamps: try values("timestamps", Double.self),
            splitTags: tags ?? [String](repeating: "", count: users.count))
        set.implicit = file.metadata["feedback"] == "implicit"
        return set
    }

    static func encode(_ split: DataSplit) -> Data {
        Safetensors.encode([
            Safetensors.Entry.vector("parts", .uint8, split.parts.map(\.rawValue)),
            Safetensors.Entry.vector("buckets", .uint8, split.buckets.map(\.rawValue)),
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

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try StableJSON.encode(value, pretty: false).dropLast(), as: UTF8.self)
    }

    // MARK: Load stage tables

    static func encode(_ log: InteractionLog) throws -> Data {
        var entries = StringColumns.entries("users", log.users) + StringColumns.entries("items", log.items)
            + StringColumns.entries("ratings", log.ratings) + StringColumns.entries("timestamps", log.timestamps)
            + StringColumns.entries("split_tags", log.splitTags)
        entries.append(Safetensors.Entry.vector("lines", .int64, log.lines.map(Int64.init)))
        return Safetensors.encode(entries, metadata: ["source": log.source].merging(log.implicit ? ["feedback": "implicit"] : [:]) { $1 })
    }

    static func decodeInteractionLog(_ url: URL) throws -> InteractionLog {
        let file = try Safetensors.read(url)
        var log = InteractionLog(source: file.metadata["source"] ?? url.path)
        log.users = try StringColumns.decode("users", from: file, source: url.path)
        log.items = try StringColumns.decode("items", from: file, source: url.path)
        log.ratings = try StringColumns.decode("ratings", from: file, source: url.path)
        log.timestamps = try StringColumns.decode("timestamps", from: file, source: url.path)
        log.splitTags = try StringColumns.decode("split_tags", from: file, source: url.path)
        log.implicit = file.metadata["feedback"] == "implicit"
        log.lines = (file["lines"]?.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } ?? []).map(Int.init)
        return log
    }

    /// A catalog (items or users): ids, every column, lines, and the invalid-UTF-8 map in the metadata.
    static func encode(_ catalog: Catalog) throws -> Data {
        var entries = StringColumns.entries("ids", catalog.ids)
        for c in catalog.columns.indices {
            entries += StringColumns.entries("column\(c)", catalog.values.map { c < $0.count ? $0[c] : nil })
        }
        entries.append(Safetensors.Entry.vector("lines", .int64, catalog.lines.map(Int64.init)))
        let invalid = catalog.invalidUTF8.map { ["\($0.key)"] + $0.value }.sorted { $0[0] < $1[0] }
        return Safetensors.encode(entries, metadata: [
            "source": catalog.source, "columns": try jsonText(catalog.columns), "invalid_utf8": try jsonText(invalid),
        ])
    }

    static func decodeCatalog(_ url: URL) throws -> Catalog {
        let file = try Safetensors.read(url)
        let decoder = JSONDecoder()
        let columns = try decoder.decode([String].self, from: Data((file.metadata["columns"] ?? "[]").utf8))
        let ids = try StringColumns.decode("ids", from: file, source: url.path).map { $0 ?? "" }
        let columnValues = try columns.indices.map { try StringColumns.decode("column\($0)", from: file, source: url.path) }
        let values = ids.indices.map { i in columnValues.map { $0[i] } }
        let invalid = try decoder.decode([[String]].self, from: Data((file.metadata["invalid_utf8"] ?? "[]").utf8))
        var invalidMap: [Int: [String]] = [:]
        for entry in invalid where !entry.isEmpty { invalidMap[Int(entry[0]) ?? 0] = Array(entry.dropFirst()) }
        return Catalog(source: file.metadata["source"] ?? url.path, ids: ids, columns: columns, values: values,
                       lines: (file["lines"]?.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } ?? []).map(Int.init),
                       invalidUTF8: invalidMap)
    }
}
