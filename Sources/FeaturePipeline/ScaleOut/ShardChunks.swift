import Foundation

/// The items of one shard, as chunks of at most `size` items in catalog order: the chunks of
/// `base` with every item of another shard left out, regrouped so that a shard's chunks are full
/// inference batches too. `rows` holds, while `body` runs, the catalog-wide row of each item of
/// the chunk it was handed (the order `pipeline merge` restores).
struct ShardChunks<Base: ItemChunkSource>: ItemChunkSource {
    var base: Base
    let shard: Shard
    let size: Int
    let rows = RowLog()

    final class RowLog { var current: [Int] = [] }

    var columns: [String]? { base.columns }

    mutating func pass(_ body: (Catalog, Int) throws -> Void) throws {
        let (shard, size, rows) = (self.shard, self.size, self.rows)  // the closure below must not capture self
        var pending: Catalog?
        var pendingRows: [Int] = []
        var handed = 0
        func emit(_ count: Int) throws {
            guard let all = pending else { return }
            rows.current = Array(pendingRows.prefix(count))
            pendingRows.removeFirst(count)
            pending = all.slice(count..<all.count)
            try body(all.slice(0..<count), handed)
            handed += count
        }
        try base.pass { chunk, first in
            let kept = chunk.ids.indices.filter { shard.holds(chunk.ids[$0]) }
            guard !kept.isEmpty else { return }
            pending = pending.map { $0.appending(chunk, items: kept) } ?? chunk.picking(kept)
            pendingRows += kept.map { first + $0 }
            while pendingRows.count >= size { try emit(size) }
        }
        if !pendingRows.isEmpty { try emit(pendingRows.count) }
    }
}

extension Catalog {
    /// The items `items` (in that order) as a catalog of their own.
    func picking(_ items: [Int]) -> Catalog {
        var part = Catalog(source: source, ids: items.map { ids[$0] }, columns: columns, values: items.map { values[$0] },
                           lines: items.map { lines[$0] }, invalidUTF8: [:])
        for (k, item) in items.enumerated() { part.invalidUTF8[k] = invalidUTF8[item] }
        return part
    }

    /// This catalog followed by `other`'s items `items`; both list the same columns.
    func appending(_ other: Catalog, items: [Int]) -> Catalog {
        precondition(columns == other.columns, "chunks list different columns: \(columns) and \(other.columns)")
        let tail = other.picking(items)
        var joined = self
        joined.ids += tail.ids
        joined.values += tail.values
        joined.lines += tail.lines
        for (k, bad) in tail.invalidUTF8 { joined.invalidUTF8[count + k] = bad }
        return joined
    }
}
