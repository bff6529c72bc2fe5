import TensorCore

/// Sums the gradients of data-parallel training across a group, so that every member then takes
/// the same optimizer step: each member ran forward and backward on its slice of the same global
/// batch, with the loss scaled by the global batch size, so the sum is the global batch's gradient.
///
/// Dense parameters are summed with one `allReduceSum` of all of them, packed. An embedding table (a
/// row-sparse parameter) is summed as (row, gradient) pairs: every member's touched rows are
/// gathered, then each member adds the members' rows in rank order, 0 + g₀ + g₁ + …, so the bits do
/// not depend on timing, and marks the union of the rows touched (the lazy optimizers update those
/// rows only, as in one process). A table whose union covers more than half its rows is summed
/// whole instead: a small one packed with the dense parameters, a large one in place, by an
/// allreduce of its own (a call per table cost more than the copies). (Pairs cost more than the table from about
/// a tenth of its rows in `MPICheck bench`, but a tenth made anime's epochs slower: docs/benchmarks.md.)
/// Parameters marked idle for the step are left out (idle on every member alike).
///
/// A table whose rows members update apart (`Parameter.rowOwners`) needs its totals only in the
/// owner's rows: summed whole it is reduce-scattered; as pairs each member sends only the rows it
/// does not own, and keeps its own where they lie (a ranking step over every item, whose members'
/// candidates are the rows they own, then sends almost nothing). Which way is chosen follows the
/// rows sent, not the union. After the optimizer step, `shareUpdatedRows` sends each member's
/// updated rows to the others.
public final class GradientExchange {
    public let group: any Collectives
    /// The packed dense sums by their length (the tables summed whole with them differ between
    /// kinds of step), kept from step to step: a fresh buffer each step costs its page faults.
    private var buffers: [Int: [Float]] = [:]

    public init(group: any Collectives) {
        self.group = group
    }

    /// Sums every active parameter's gradient across the group; every member gets every total.
    public func sum(_ parameters: [Parameter]) {
        guard group.size > 1 else { return }
        let active = parameters.filter { !$0.isIdle && !$0.isSummedInGroup }
        let tables = active.filter(\.isRowSparse)
        let rows = touchedRows(of: tables)  // [table][member] → rows
        let unions = zip(tables, rows).map { table, lists in Self.unionInRankOrder(lists, rowCount: table.value.shape[0]) }
        let sent = zip(tables, rows).map { table, lists in Self.rowsSent(lists, owners: table.rowOwners) }
        let isWhole = tables.indices.map { k in
            2 * (tables[k].rowOwners == nil ? unions[k].count : sent[k].reduce(0) { $0 + $1.count }) > tables[k].value.shape[0]
        }
        let isPacked = tables.indices.map { isWhole[$0] && Self.isPackedWhenWhole(tables[$0]) }
        sumPacked(active.filter { !$0.isRowSparse } + tables.indices.filter { isPacked[$0] }.map { tables[$0] })
        // A large table summed whole (megabytes) is summed where it lies, not copied into the buffer and back.
        for k in tables.indices where isWhole[k] && !isPacked[k] {
            if let owners = tables[k].rowOwners {  // only its owner reads a row's total
                group.reduceScatterSum(&tables[k].grad.storage, counts: owners.counts(width: tables[k].rowWidth))
            } else {
                group.allReduceSum(&tables[k].grad.storage)
            }
        }
        // Every member's pairs in one gather: their lengths follow from the rows, known to all.
        let pairTables = tables.indices.filter { !isWhole[$0] }
        let counts = (0..<group.size).map { m in pairTables.reduce(0) { $0 + sent[$1][m].count * tables[$1].rowWidth } }
        var offsets = Self.starts(of: counts)
        var gathered = [Float](repeating: 0, count: counts.reduce(0, +))
        writeGradients(pairTables.map { (tables[$0], sent[$0][group.rank]) }, into: &gathered, at: offsets[group.rank])
        if !gathered.isEmpty { group.allGatherParts(&gathered, counts: counts) }  // empty on every member alike
        for k in tables.indices {
            if isWhole[k] {
                // The dense sum holds every row's total (zeros in rows nobody touched).
                tables[k].replaceTouchedRows(with: unions[k])
            } else if let owners = tables[k].rowOwners {
                addPairsToOwnedRows(tables[k], owners, rows[k], sent[k], gathered, &offsets)
                tables[k].replaceTouchedRows(with: unions[k])
                tables[k].isZeroOutsideOwnedRows = true  // the rows it sent are cleared, no others were written
            } else {
                tables[k].zeroGrad()  // this member's own rows come back with the gathered ones
                tables[k].markTouched(rows: unions[k])
                addPairs(tables[k], sent[k], gathered, &offsets)
            }
        }
    }

    /// The rows each member sends as pairs: all it touched, or of a table whose rows members update
    /// apart, those it does not own (the owner adds the others' to its own in place).
    static func rowsSent(_ lists: [[Int]], owners: RowOwners?) -> [[Int]] {
        guard let owners else { return lists }
        return lists.enumerated().map { member, rows in rows.filter { !owners.rows(of: member).contains($0) } }
    }

    /// The tables whose rows members update apart (`Parameter.rowOwners`) and the rows the coming
    /// optimizer step updates in each (the summed, touched rows: the same on every member). Taken
    /// before the step, which forgets them, for `shareUpdatedRows` after it.
    public func rowsToShare(_ parameters: [Parameter]) -> [(table: Parameter, rows: [Int])] {
        parameters.filter { $0.rowOwners != nil && $0.hasUpdate }.map { ($0, $0.touchedRows) }
    }

    /// After an optimizer step in which each member updated only its own rows of the tables: every
    /// member's updated rows' values to every member, so all hold the same values again. A table
    /// with over half its rows updated is gathered whole, in place (rows nobody updated are the
    /// same on every member); the others' rows go packed, one gather for all of them.
    public func shareUpdatedRows(_ updated: [(table: Parameter, rows: [Int])]) {
        guard group.size > 1 else { return }
        var packed: [(table: Parameter, rows: [Int], owners: [Int])] = []
        for (table, rows) in updated {
            guard let owners = table.rowOwners else { continue }
            let rowCount = table.value.shape[0]
            if 2 * rows.count > rowCount {
                group.allGatherParts(&table.value.storage, counts: owners.counts(width: table.rowWidth))
            } else {
                packed.append((table, rows, rows.map { owners.owner(of: $0) }))
            }
        }
        guard !packed.isEmpty else { return }
        var counts = [Int](repeating: 0, count: group.size)
        for (table, _, owners) in packed {
            for m in owners { counts[m] += table.rowWidth }
        }
        var values = [Float](repeating: 0, count: counts.reduce(0, +))
        let starts = Self.starts(of: counts)
        copyPackedRows(packed, starts, &values, intoTables: false)
        group.allGatherParts(&values, counts: counts)
        copyPackedRows(packed, starts, &values, intoTables: true)
    }

    /// Copies this member's packed rows from the tables into `values` (`intoTables` false), or every
    /// other member's rows from `values` into the tables; each member's part of `values` starts at
    /// `starts[member]` and holds its rows table after table, in the order listed.
    private func copyPackedRows(_ packed: [(table: Parameter, rows: [Int], owners: [Int])], _ starts: [Int],
                                _ values: inout [Float], intoTables: Bool) {
        var at = starts
        let rank = group.rank
        values.withUnsafeMutableBufferPointer { buffer in
            guard let packedValues = buffer.baseAddress else { return }
            for (table, rows, owners) in packed {
                let width = table.rowWidth
                table.value.withUnsafeMutableBufferPointer { tableValues in
                    guard let rowValues = tableValues.baseAddress else { return }
                    for (row, member) in zip(rows, owners) {
                        if (member == rank) != intoTables {
                            if intoTables {
                                (rowValues + row * width).update(from: packedValues + at[member], count: width)
                            } else {
                                (packedValues + at[member]).update(from: rowValues + row * width, count: width)
                            }
                        }
                        at[member] += width
                    }
                }
            }
        }
    }

    /// Each table's touched rows on each member (one gather of all tables' lists).
    private func touchedRows(of tables: [Parameter]) -> [[[Int]]] {
        var mine: [Int64] = []
        for t in tables { mine.append(Int64(t.touchedRows.count)); mine += t.touchedRows.map { Int64($0) } }
        let members = group.allGather(mine)
        var result = [[[Int]]](repeating: [], count: tables.count)
        for list in members {
            var at = 0
            for k in tables.indices {
                let n = Int(list[at])
                result[k].append(list[(at + 1)..<(at + 1 + n)].map { Int($0) })
                at += 1 + n
            }
        }
        return result
    }

    /// The rows (< `rowCount`) any member touched, in rank order of first touch.
    public static func unionInRankOrder(_ lists: [[Int]], rowCount: Int) -> [Int] {
        var seen = [Bool](repeating: false, count: rowCount), union: [Int] = []
        union.reserveCapacity(lists.map(\.count).max() ?? 0)
        seen.withUnsafeMutableBufferPointer { s in
            for list in lists {
                for r in list where !s[r] {
                    s[r] = true
                    union.append(r)
                }
            }
        }
        return union
    }

    /// Where each member's part starts in a buffer of the parts one after another, `counts` long each.
    static func starts(of counts: [Int]) -> [Int] { counts.indices.map { counts[..<$0].reduce(0, +) } }

    /// A table summed whole goes with the dense sum unless its rows are split among owners (it is
    /// reduce-scattered) or it is large: copying megabytes in and out of the buffer cost more than
    /// their own allreduce calls (docs/benchmarks.md).
    static func isPackedWhenWhole(_ table: Parameter) -> Bool {
        table.rowOwners == nil && table.elementCount < RowOwners.smallestTable
    }

    /// Gradients (whole), packed into one buffer, summed, unpacked: one call for dozens of small tensors.
    private func sumPacked(_ parameters: [Parameter]) {
        guard !parameters.isEmpty else { return }
        let count = parameters.elementCount
        var buffer = buffers.removeValue(forKey: count) ?? [Float](repeating: 0, count: count)
        parameters.pack(\.grad, into: &buffer)
        group.allReduceSum(&buffer)
        parameters.unpack(\.grad, from: buffer)
        buffers[count] = buffer
    }

    /// The gradients of the tables' listed rows, row after row in the lists' order, table after
    /// table, written into `values` from `start`.
    private func writeGradients(_ tables: [(table: Parameter, rows: [Int])], into values: inout [Float], at start: Int) {
        var at = start
        values.withUnsafeMutableBufferPointer { out in
            for (table, rows) in tables {
                let width = table.rowWidth
                table.grad.withUnsafeBufferPointer { g in
                    for r in rows {
                        (out.baseAddress! + at).update(from: g.baseAddress! + r * width, count: width)
                        at += width
                    }
                }
            }
        }
    }

    /// Adds every member's pairs for `table`, in rank order; `offsets` is each member's read
    /// position in the gathered gradients (tables follow each other in the same order).
    private func addPairs(_ table: Parameter, _ sent: [[Int]], _ gathered: [Float], _ offsets: inout [Int]) {
        let width = table.rowWidth
        table.grad.withUnsafeMutableBufferPointer { g in
            gathered.withUnsafeBufferPointer { values in
                for member in 0..<group.size {
                    var at = offsets[member]
                    for r in sent[member] {
                        for j in 0..<width { g[r * width + j] += values[at + j] }
                        at += width
                    }
                    offsets[member] = at
                }
            }
        }
    }

    /// For a table whose rows members update apart: the other members' pairs of this member's rows
    /// added to its own gradient where it lies, in rank order (0 + g₀ + g₁ + …: this member's own
    /// rows that a lower member also sent are taken out first and added at its turn); the rows it
    /// sent are cleared, so that its gradient is zero outside its rows.
    private func addPairsToOwnedRows(_ table: Parameter, _ owners: RowOwners, _ touched: [[Int]], _ sent: [[Int]],
                                     _ gathered: [Float], _ offsets: inout [Int]) {
        let width = table.rowWidth, me = group.rank, owned = owners.owned
        var isMine = [Bool](repeating: false, count: owned.count)
        for r in touched[me] where owned.contains(r) { isMine[r - owned.lowerBound] = true }
        var later: [Int] = []  // own rows a lower member sent: their own gradient waits for this member's turn
        for member in 0..<me {
            for r in sent[member] where owned.contains(r) && isMine[r - owned.lowerBound] {
                isMine[r - owned.lowerBound] = false
                later.append(r)
            }
        }
        table.grad.withUnsafeMutableBufferPointer { g in
            var own = [Float](repeating: 0, count: later.count * width)
            for (q, r) in later.enumerated() {
                for j in 0..<width { own[q * width + j] = g[r * width + j]; g[r * width + j] = 0 }
            }
            gathered.withUnsafeBufferPointer { values in
                for member in 0..<group.size {
                    if member == me {
                        for (q, r) in later.enumerated() { for j in 0..<width { g[r * width + j] += own[q * width + j] } }
                        for r in sent[me] { (g.baseAddress! + r * width).update(repeating: 0, count: width) }
                        offsets[me] += sent[me].count * width
                        continue
                    }
                    var at = offsets[member]
                    for r in sent[member] {
                        if owned.contains(r) { for j in 0..<width { g[r * width + j] += values[at + j] } }
                        at += width
                    }
                    offsets[member] = at
                }
            }
        }
    }
}
