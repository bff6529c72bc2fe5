import Foundation
import Recommender

/// The items of a run: ids in file order and every column's values.
public struct Catalog: Sendable, Codable, Equatable {
    public var source: String
    public var ids: [String]
    public var columns: [String]
    /// Values per item, aligned with `columns`; nil = empty or missing.
    public var values: [[String?]]
    /// Line (CSV) or record (JSON Lines) of each item, for messages.
    public var lines: [Int]
    /// Item index → columns whose bytes were not valid UTF-8.
    public var invalidUTF8: [Int: [String]]

    public var count: Int { ids.count }

    public func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }

    public func value(item: Int, column: Int) -> String? {
        column < values[item].count ? values[item][column] : nil
    }
}

/// Counts of the load stage.
public struct LoadReport: Sendable, Codable, Equatable {
    public var items = 0
    public var duplicateItemIds = 0
    public var emptyItemIds = 0
    public var invalidUTF8Fields = 0
    public var interactionRows = 0
    public var userRows = 0

    public init() {}
}

/// Reads the data section's files into a `Catalog`, an `InteractionLog` and the users table.
public enum DataLoader {
    public static func loadCatalog(_ data: DataSpec, report: inout LoadReport) throws -> Catalog {
        let table = try DataTable.read(data.items.path, format: data.items.format, delimiter: data.items.delimiter,
                                       limit: RowLimit(rows: data.maxItems, key: "data.max_items"))
        return try catalog(of: table, data, report: &report)
    }

    /// The items of a table already read: the first row of each non-empty id (`ItemAdmission`).
    public static func catalog(of table: DataTable, _ data: DataSpec, report: inout LoadReport) throws -> Catalog {
        let idColumn = try table.column(data.itemId, role: "item id", key: "data.items.id")
        var catalog = Catalog(source: table.source, ids: [], columns: table.columns, values: [], lines: [], invalidUTF8: [:])
        var admission = ItemAdmission()
        try admission.admit(table, idColumn: idColumn, into: &catalog, report: &report)
        try admission.finish(table.source, data, report: &report)
        return catalog
    }

    public static func loadInteractions(_ data: DataSpec, splitMethod: SplitOptions.Method, report: inout LoadReport) throws -> InteractionLog {
        let spec = data.interactions
        let table = try DataTable.read(spec.table.path, format: spec.table.format, delimiter: spec.table.delimiter)
        let user = try table.column(spec.user, role: "user id", key: "data.interactions.user")
        let item = try table.column(spec.item, role: "item id", key: "data.interactions.item")
        let implicit = spec.feedback == .implicit || spec.feedback == .auto && !table.columns.contains(spec.rating)
        let rating = implicit ? nil : try table.column(spec.rating, role: "rating", key: "data.interactions.rating")
        let time = try spec.timestamp.map { try table.column($0, role: "timestamp", key: "data.interactions.timestamp") }
        let split = try spec.split.map { try table.column($0, role: "split", key: "data.interactions.split") }
        var log = InteractionLog(source: table.source)
        log.implicit = implicit
        for (r, row) in table.rows.enumerated() {
            let tag = split.flatMap { row.count > $0 ? row[$0] : nil }
            if splitMethod == .column, let tag, Splitter.partName(tag) == nil {
                throw DataError(file: table.source, line: table.lines[r], column: spec.split,
                                message: "split value '\(tag)' is not train, valid or test",
                                hint: "use train, valid (or validation) and test")
            }
            func at(_ c: Int?) -> String? { c.flatMap { row.count > $0 ? row[$0] : nil } }
            log.append(user: at(user), item: at(item), rating: implicit ? "1" : at(rating), timestamp: at(time), splitTag: tag,
                       line: table.lines[r])
        }
        report.interactionRows = log.count
        return log
    }

    /// The users file as a `Catalog` keyed by user id (first row of each id wins).
    public static func loadUsers(_ data: DataSpec, report: inout LoadReport) throws -> Catalog? {
        guard let users = data.users else { return nil }
        let table = try DataTable.read(users.table.path, format: users.table.format, delimiter: users.table.delimiter)
        let idColumn = try table.column(users.id, role: "user id", key: "data.users.id")
        var catalog = Catalog(source: table.source, ids: [], columns: table.columns, values: [], lines: [], invalidUTF8: [:])
        var seen = Set<String>()
        for (r, row) in table.rows.enumerated() {
            guard let id = row[idColumn], seen.insert(id).inserted else { continue }
            catalog.ids.append(id)
            catalog.values.append(row)
            catalog.lines.append(table.lines[r])
        }
        report.userRows = catalog.count
        return catalog
    }
}
