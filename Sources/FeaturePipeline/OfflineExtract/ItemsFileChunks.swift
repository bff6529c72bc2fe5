import Foundation
import Recommender

/// The items of a catalog file as consecutive chunks of at most `size` items, read as a stream:
/// the rows `DataLoader.loadCatalog` admits, in the same order, without ever holding them all.
///
/// Each chunk is a `Catalog` of its own (item indices from 0); `first` is the catalog-wide index
/// of its first item. Chunks are aligned to multiples of `size`, so a chunk of 2048 items is
/// exactly one inference batch of the fused model (`FusionModel.itemVectors` runs 2048 at a time).
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
    /// The admitted ids in file order, known after a first `pass`.
    var ids: [String] = []

    init(data: DataSpec, size: Int = ItemsFileChunks.defaultSize) {
        self.data = data
        self.size = size
    }

    static let defaultSize = 2048

    struct Totals {
        var report = LoadReport()
        var columns: [String] = []
        var items = 0
        /// The admitted ids in file order (empty when the pass replayed `duplicateRows`).
        var ids: [String] = []
        var duplicateRows: [Int] = []
    }

    /// Calls `body(chunk, first)` for every chunk in order, then checks what `loadCatalog` checks
    /// after reading (the id column exists, some row has an id).
    @discardableResult
    func forEach(_ body: (Catalog, Int) throws -> Void) throws -> Totals {
        let stream = try TableStream(data.items.path, format: data.items.format, delimiter: data.items.delimiter,
                                     limit: RowLimit(rows: data.maxItems, key: "data.max_items"))
        var admission = duplicateRows.map { ItemAdmission(replaying: $0) } ?? ItemAdmission()
        var totals = Totals()
        var pending = Catalog(source: stream.source, ids: [], columns: [], values: [], lines: [], invalidUTF8: [:])
        var first = 0
        func emit(_ count: Int) throws {
            var chunk = pending.slice(0..<count)
            pending = pending.slice(count..<pending.count)
            chunk.columns = columns ?? chunk.columns + ensure.filter { !chunk.columns.contains($0) }
            try body(chunk, first)
            first += count
        }
        while let table = try stream.next() {
            pending.columns = table.columns
            admission.admit(table, idColumn: table.columns.firstIndex(of: data.itemId), into: &pending, report: &totals.report)
            while pending.count >= size { try emit(size) }
        }
        if pending.count > 0 { try emit(pending.count) }
        totals.columns = stream.columns
        _ = try DataTable(source: stream.source, columns: stream.columns).column(data.itemId, role: "item id", key: "data.items.id")
        try admission.finish(stream.source, data, report: &totals.report)
        totals.items = admission.count
        totals.ids = admission.ids
        totals.duplicateRows = admission.duplicateRows
        return totals
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
