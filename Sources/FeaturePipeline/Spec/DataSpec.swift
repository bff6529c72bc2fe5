import Foundation

/// Where a table is and how to read it.
public struct TableSpec: Sendable, Equatable {
    public var path: URL
    public var format: TableFormat
    public var delimiter: UInt8
}

/// The `data` section: items, interactions and (optionally) users, with their column mapping.
public struct DataSpec: Sendable, Equatable {
    public struct Interactions: Sendable, Equatable {
        public var table: TableSpec
        public var user: String
        public var item: String
        public var rating: String
        /// Whether rows carry ratings (explicit) or only record that the user interacted (implicit).
        public var feedback: Feedback
        public var timestamp: String?
        /// Column naming each row's part, for `split.method: column`.
        public var split: String?
    }

    public enum Feedback: String, Sendable, Equatable, CaseIterable {
        /// explicit when the file has the rating column, implicit when it has none.
        case auto, explicit, implicit
    }

    public struct Users: Sendable, Equatable {
        public var table: TableSpec
        public var id: String
    }

    public var items: TableSpec
    public var itemId: String
    public var interactions: Interactions
    public var users: Users?
    /// Folder media paths are resolved against (default: the items file's folder).
    public var mediaRoot: URL
    /// Accept media paths that leave `mediaRoot` (`../`, absolute paths, symlinks out).
    public var allowOutsideRoot: Bool
    /// The most item rows a run reads; a larger items file is refused while it is read.
    public var maxItems: Int
}

extension DataSpec {
    static func read(_ r: MappingReader, base: URL) -> DataSpec {
        let itemsReader = r.section("items", doc: "The items file (one row per item).")
        let items = TableSpec.read(itemsReader, base: base, what: "items")
        let itemId = itemsReader.string("id", default: "item_id", doc: "Column holding the item id.") ?? "item_id"
        itemsReader.finish()

        let ir = r.section("interactions", doc: "The interactions file (one row per rating).")
        let table = TableSpec.read(ir, base: base, what: "interactions")
        let interactions = Interactions(
            table: table,
            user: ir.string("user", default: "user_id", doc: "Column holding the user id.") ?? "user_id",
            item: ir.string("item", default: "item_id", doc: "Column holding the item id.") ?? "item_id",
            rating: ir.string("rating", default: "rating", doc: "Column holding the rating.") ?? "rating",
            feedback: ir.choice("feedback", default: Feedback.auto, doc: "explicit (ratings), implicit (views, plays, purchases: every row is an interaction; trains the ranking objective alone), or auto: implicit when the file has no rating column."),
            timestamp: ir.string("timestamp", default: nil, doc: "Column holding the time of the rating (seconds since 1970 or ISO 8601); used by deduplication and the temporal split."),
            split: ir.string("split", default: nil, doc: "Column holding train/valid/test, for split.method: column."))
        ir.finish()

        var users: Users?
        if let ur = r.optionalSection("users", doc: "Optional users file with user fields (see users.fields).") {
            users = Users(table: TableSpec.read(ur, base: base, what: "users"),
                          id: ur.string("id", default: "user_id", doc: "Column holding the user id.") ?? "user_id")
            ur.finish()
        }
        let rootText = r.string("media_root", default: nil, doc: "Folder media paths are resolved against; default: the items file's folder.")
        let mediaRoot = rootText.map { resolve($0, base) } ?? items.path.deletingLastPathComponent()
        let allowOutside = r.bool("allow_outside_root", default: false, doc: "Accept media paths that leave the media root (../, absolute paths, symlinks out).")
        let maxItems = r.int("max_items", default: 10_000_000, range: 1...Int.max,
                             doc: "Items files with more rows are refused while they are read, before the rows are kept.")
        r.finish()
        return DataSpec(items: items, itemId: itemId, interactions: interactions, users: users,
                        mediaRoot: mediaRoot, allowOutsideRoot: allowOutside, maxItems: maxItems)
    }
}

extension TableSpec {
    static func read(_ r: MappingReader, base: URL, what: String) -> TableSpec {
        let path = r.requiredString("path", doc: "Path of the \(what) file (CSV, TSV or JSON Lines).",
                                    hint: "add `path: <file>` under data.\(what)")
        let format = r.choice("format", default: TableFormat.auto, doc: "File format; auto picks by extension (.csv, .tsv, .jsonl).")
        let delimiter = r.string("delimiter", default: nil, doc: "Field delimiter of CSV files; default `,` (tab for .tsv).")
        if let d = delimiter, d.utf8.count != 1 {
            r.report("delimiter", r.node("delimiter"), "the delimiter must be one character, found '\(d)'", hint: "use , or ; or \\t")
        }
        let url = resolve(path, base)
        let isTSV = format == .tsv || (format == .auto && url.pathExtension.lowercased() == "tsv")
        let byte = delimiter.flatMap { $0.utf8.count == 1 ? $0.utf8.first : nil } ?? (isTSV ? 0x09 : UInt8(ascii: ","))
        return TableSpec(path: url, format: format, delimiter: byte)
    }
}

/// A path from the pipeline file: absolute as written, relative ones against `base`.
func resolve(_ path: String, _ base: URL) -> URL {
    path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL
        : base.appendingPathComponent(path).standardizedFileURL
}
