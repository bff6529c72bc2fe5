import Foundation
import OrderedCollections
import Recommender

/// Which rows of an items file become items: the first row of each non-empty id, in file order.
/// Shared by `loadCatalog` and the streaming reader of `pipeline extract`, which admits one batch
/// of rows at a time. A pass tells a repeated id in one of three ways:
///
/// - remembering (`init()`): the ids seen are kept in an `OrderedSet`, whose lookup table holds
///   bit-packed indices into the list of ids (about 2.5 bytes a slot at 100 000 ids) where a
///   `Set<String>` held 16-byte strings and doubled them while growing. The list is `item_ids`.
/// - replaying (`init(replaying:)`): a later pass over the same file remembers no ids; it replays
///   the first pass's verdicts, the ordinals of the rows it rejected as repeated ids.
/// - sorting (`init(sortingIn:)`): a shard's first pass, which needs the verdicts but not the ids,
///   sorts them on disk (`RepeatedIdSort`), so its memory does not grow with the catalog. The
///   verdicts are known only at `finish`, so such a pass admits no row into a catalog.
///
/// `keeps` (a shard's) leaves the admitted items it does not keep out of the catalog; they are
/// still numbered, and `keptItems` lists the catalog-wide index of each item kept.
struct ItemAdmission {
    private var seen = OrderedSet<String>()
    /// Rows (0-based, over every row of the file) a first pass rejected as repeated ids, ascending.
    private let replayedDuplicates: [Int]?
    private let sort: RepeatedIdSort?
    private var nextReplayed = 0
    private var row = 0
    /// The rows this pass rejected as repeated ids (the verdicts a later pass replays).
    private(set) var duplicateRows: [Int] = []
    /// Admitted items so far (with `sortingIn:`, rows with an id until `finish`).
    private(set) var count = 0
    var keeps: ((String) -> Bool)?
    /// Admitted items `keeps` kept (all of them without it).
    private(set) var kept = 0
    /// The catalog-wide index of each item kept since the caller last emptied it (with `keeps`).
    var keptItems: [Int] = []

    init() { (replayedDuplicates, sort) = (nil, nil) }

    /// Admits rows as a first pass over the same file did, given the rows it rejected as repeated ids.
    init(replaying duplicateRows: [Int]) { (replayedDuplicates, sort) = (duplicateRows, nil) }

    /// Finds the repeated ids by sorting them in hidden files in `folder`; admits nothing before `finish`.
    init(sortingIn folder: URL) { (replayedDuplicates, sort) = (nil, RepeatedIdSort(folder: folder)) }

    /// Whether this pass sorts its ids (and so reads nothing else of a row).
    var isSorting: Bool { sort != nil }

    /// The admitted ids in file order (empty unless remembering).
    var ids: [String] { seen.elements }

    /// Appends the admitted rows of `table` to `catalog` (item indices continue from it).
    /// `idColumn` is nil while a JSON Lines stream has not met the id key yet.
    mutating func admit(_ table: DataTable, idColumn: Int?, into catalog: inout Catalog, report: inout LoadReport) throws {
        var badFields: [Int: [String]] = [:]
        for (row, column) in table.invalidUTF8 { badFields[row, default: []].append(table.columns[column]) }
        for (r, values) in table.rows.enumerated() {
            defer { row += 1 }
            guard let c = idColumn, c < values.count, let id = values[c]?.trimmedSpaces, !id.isEmpty else {
                report.emptyItemIds += 1
                continue
            }
            if let sort {
                try sort.add(id, row: row)
                count += 1
                if keeps?(id) ?? true { kept += 1 }
                continue
            }
            guard isFirst(id) else {
                report.duplicateItemIds += 1
                duplicateRows.append(row)
                continue
            }
            let item = count
            count += 1
            let bad = badFields[r]
            report.invalidUTF8Fields += bad?.count ?? 0
            if let keeps {
                guard keeps(id) else { continue }
                keptItems.append(item)
            }
            kept += 1
            if let bad { catalog.invalidUTF8[catalog.ids.count] = bad }
            catalog.ids.append(id)
            catalog.values.append(values)
            catalog.lines.append(table.lines[r])
        }
    }

    private mutating func isFirst(_ id: String) -> Bool {
        guard let replayed = replayedDuplicates else { return seen.append(id).inserted }
        guard nextReplayed < replayed.count, replayed[nextReplayed] == row else { return true }
        nextReplayed += 1
        return false
    }

    /// Settles a sorting pass's verdicts; fails when no row was admitted; sets the item count.
    mutating func finish(_ source: String, _ data: DataSpec, report: inout LoadReport) throws {
        if let sort {
            let repeats = try sort.repeatedRows()
            duplicateRows = repeats.map(\.row)
            report.duplicateItemIds = repeats.count
            count -= repeats.count
            kept -= keeps.map { keeps in repeats.count(where: { keeps($0.id) }) } ?? repeats.count
        }
        guard count > 0 else {
            throw DataError(file: source, message: "no items (every row lacks an id in column '\(data.itemId)')",
                            hint: "check data.items.id and the file's header")
        }
        report.items = count
    }
}
