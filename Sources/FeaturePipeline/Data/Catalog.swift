import Foundation
import OrderedCollections
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
        admission.admit(table, idColumn: idColumn, into: &catalog, report: &report)
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

/// Which rows of an items file become items: the first row of each non-empty id, in file order.
/// Shared by `loadCatalog` and the streaming reader of `pipeline extract`, which admits one batch
/// of rows at a time.
///
/// The ids seen are kept in an `OrderedSet`: its lookup table holds bit-packed indices into the
/// list of ids (about 2.5 bytes a slot at 100 000 ids) where a `Set<String>` held 16-byte strings
/// and doubled them while growing, which made a streamed extraction's memory grow with the catalog.
/// A later pass over the same file need not remember ids at all: it replays the first pass's
/// verdicts (`replaying:`), the ordinals of the rows it rejected as repeated ids.
struct ItemAdmission {
    private var seen = OrderedSet<String>()
    /// Rows (0-based, over every row of the file) a first pass rejected as repeated ids, ascending.
    private let replayedDuplicates: [Int]?
    private var nextReplayed = 0
    private var row = 0
    /// The rows this pass rejected as repeated ids (the verdicts a later pass replays).
    private(set) var duplicateRows: [Int] = []
    private(set) var count = 0

    init() { replayedDuplicates = nil }

    /// Admits rows as a first pass over the same file did, given the rows it rejected as repeated ids.
    init(replaying duplicateRows: [Int]) { replayedDuplicates = duplicateRows }

    /// The admitted ids in file order (empty when replaying).
    var ids: [String] { seen.elements }

    /// Appends the admitted rows of `table` to `catalog` (item indices continue from it).
    /// `idColumn` is nil while a JSON Lines stream has not met the id key yet.
    mutating func admit(_ table: DataTable, idColumn: Int?, into catalog: inout Catalog, report: inout LoadReport) {
        var badFields: [Int: [String]] = [:]
        for (row, column) in table.invalidUTF8 { badFields[row, default: []].append(table.columns[column]) }
        for (r, values) in table.rows.enumerated() {
            defer { row += 1 }
            guard let c = idColumn, c < values.count, let id = values[c]?.trimmedSpaces, !id.isEmpty else {
                report.emptyItemIds += 1
                continue
            }
            guard isFirst(id) else {
                report.duplicateItemIds += 1
                duplicateRows.append(row)
                continue
            }
            if let bad = badFields[r] {
                catalog.invalidUTF8[catalog.ids.count] = bad
                report.invalidUTF8Fields += bad.count
            }
            catalog.ids.append(id)
            catalog.values.append(values)
            catalog.lines.append(table.lines[r])
            count += 1
        }
    }

    private mutating func isFirst(_ id: String) -> Bool {
        guard let replayed = replayedDuplicates else { return seen.append(id).inserted }
        guard nextReplayed < replayed.count, replayed[nextReplayed] == row else { return true }
        nextReplayed += 1
        return false
    }

    /// Fails when no row was admitted; sets the item count.
    func finish(_ source: String, _ data: DataSpec, report: inout LoadReport) throws {
        guard count > 0 else {
            throw DataError(file: source, message: "no items (every row lacks an id in column '\(data.itemId)')",
                            hint: "check data.items.id and the file's header")
        }
        report.items = count
    }
}
