import Foundation
import Recommender

/// The items of a catalog file as consecutive chunks of at most `size` items, read as a stream:
/// the rows `DataLoader.loadCatalog` admits, in the same order, without ever holding them all.
///
/// Each chunk is a `Catalog` of its own (item indices from 0); `first` is the catalog-wide index
/// of its first item. Chunks are aligned to multiples of `size`, so a chunk of 2048 items is
/// exactly one inference batch of the fused model (`FusionModel.itemVectors` runs 2048 at a time).
///
/// With `keeps` (a shard's items), the items it does not keep are left out as their rows are
/// admitted, and the chunks are of `size` kept items; `first` then counts kept items, and `rows`
/// holds, while `body` runs, the catalog-wide index of each item of its chunk (the order
/// `pipeline merge` restores).
struct ItemsFileChunks {
    let data: DataSpec
    let size: Int
    /// Column names every chunk lists even before a JSON Lines stream meets them (their values
    /// are then missing, as in the whole file); with `columns` set, every chunk lists exactly those.
    var ensure: [String] = []
    var columns: [String]?
    /// The rows a first pass over the file rejected as repeated ids (`Totals.duplicateRows`):
    /// with them a later pass admits the same rows without remembering every id.
    var duplicateRows: [Int]?
    /// The admitted ids in file order, known after a first `pass` (not after `learnRows`).
    var ids: [String] = []
    /// The number of items, and of those `keeps` keeps, known after a first pass.
    var items: Int?
    var keptItems: Int?
    var keeps: ((String) -> Bool)?
    let rows = RowLog()

    final class RowLog { var current: [Int] = [] }

    init(data: DataSpec, size: Int = ItemsFileChunks.defaultSize) {
        self.data = data
        self.size = size
    }

    static let defaultSize = 2048

    struct Totals {
        /// The load counts (a sorting pass counts no invalid UTF-8: it admits no row before its end).
        var report = LoadReport()
        var columns: [String] = []
        var items = 0
        var kept = 0
        /// The admitted ids in file order (empty unless the pass remembered them).
        var ids: [String] = []
        var duplicateRows: [Int] = []
    }

    /// Calls `body(chunk, first)` for every chunk in order, then checks what `loadCatalog` checks
    /// after reading (the id column exists, some row has an id).
    @discardableResult
    func forEach(_ body: (Catalog, Int) throws -> Void) throws -> Totals {
        try forEach(admission: duplicateRows.map { ItemAdmission(replaying: $0) } ?? ItemAdmission(), body)
    }

    /// A first pass that finds the repeated ids by sorting them in hidden files in `folder`
    /// (`RepeatedIdSort`) instead of remembering them, so that its memory does not depend on the
    /// catalog: it hands no chunk, and learns the columns, the rows later passes reject and the
    /// item counts. A shard's only pass before its embedding pass.
    mutating func learnRows(sortingIn folder: URL) throws {
        learned(try forEach(admission: ItemAdmission(sortingIn: folder)) { _, _ in })
    }

    private mutating func learned(_ totals: Totals) {
        columns = totals.columns
        duplicateRows = totals.duplicateRows
        ids = totals.ids
        (items, keptItems) = (totals.items, totals.kept)
    }

    private func forEach(admission first: ItemAdmission, _ body: (Catalog, Int) throws -> Void) throws -> Totals {
        // A sorting pass reads only the ids; a shard's pass, only its own rows whole.
        let needed: ((String) -> Bool)? = first.isSorting ? { _ in false } : keeps
        let stream = try TableStream(data.items.path, format: data.items.format, delimiter: data.items.delimiter,
                                     limit: RowLimit(rows: data.maxItems, key: "data.max_items"),
                                     filter: needed.map { CSVParser.RowFilter(column: data.itemId, keeps: $0) })
        var admission = first
        admission.keeps = keeps
        var totals = Totals()
        var pending = Catalog(source: stream.source, ids: [], columns: [], values: [], lines: [], invalidUTF8: [:])
        var handed = 0
        func emit(_ count: Int) throws {
            var chunk = pending.slice(0..<count)
            pending = pending.slice(count..<pending.count)
            chunk.columns = columns ?? chunk.columns + ensure.filter { !chunk.columns.contains($0) }
            if keeps != nil {
                rows.current = Array(admission.keptItems.prefix(count))
                admission.keptItems.removeFirst(count)
            }
            try body(chunk, handed)
            handed += count
        }
        while let table = try stream.next() {
            pending.columns = table.columns
            try admission.admit(table, idColumn: table.columns.firstIndex(of: data.itemId), into: &pending, report: &totals.report)
            while pending.count >= size { try emit(size) }
        }
        if pending.count > 0 { try emit(pending.count) }
        totals.columns = stream.columns
        _ = try DataTable(source: stream.source, columns: stream.columns).column(data.itemId, role: "item id", key: "data.items.id")
        try admission.finish(stream.source, data, report: &totals.report)
        (totals.items, totals.kept) = (admission.count, admission.kept)
        totals.ids = admission.ids
        totals.duplicateRows = admission.duplicateRows
        return totals
    }
}

extension ItemsFileChunks: ItemChunkSource {
    /// The first pass learns the file's columns and repeated rows; later passes replay them.
    mutating func pass(_ body: (Catalog, Int) throws -> Void) throws {
        let totals = try forEach(body)
        if columns == nil { learned(totals) }
    }
}

extension Catalog {
    /// Items `range` as a catalog of their own (item indices from 0).
    func slice(_ range: Range<Int>) -> Catalog {
        var part = Catalog(source: source, ids: Array(ids[range]), columns: columns, values: Array(values[range]),
                           lines: Array(lines[range]), invalidUTF8: [:])
        for (item, bad) in invalidUTF8 where range.contains(item) { part.invalidUTF8[item - range.lowerBound] = bad }
        return part
    }
}
