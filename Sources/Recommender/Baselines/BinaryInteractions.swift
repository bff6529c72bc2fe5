/// The train rows as the users × items 0/1 matrix X of the top-N baselines, in both orientations.
///
/// A rating of any value counts as 1 and a repeated (user, item) pair once. Columns are the
/// *active* items only, those with at least one train row, in catalog order, so a catalog with
/// many unrated items costs nothing.
struct BinaryInteractions: Sendable {
    let userCount: Int
    let itemCount: Int
    /// Catalog index of each column, ascending.
    let activeItems: [Int32]
    /// Columns of user u: userColumns[userStarts[u]..<userStarts[u + 1]], ascending.
    let userStarts: [Int]
    let userColumns: [Int32]
    /// Users of column c: columnUsers[columnStarts[c]..<columnStarts[c + 1]], ascending.
    let columnStarts: [Int]
    let columnUsers: [Int32]

    init(_ train: TrainingView) {
        let itemCount = train.itemCount
        let keys = zip(train.users, train.items).map { Int($0) * itemCount + Int($1) }.sorted()
        let pairs = keys.indices.filter { $0 == 0 || keys[$0 - 1] != keys[$0] }.map { keys[$0] }  // distinct
        var column = [Int32](repeating: -1, count: itemCount)
        for p in pairs { column[p % itemCount] = 0 }
        var active: [Int32] = []
        for i in 0..<itemCount where column[i] == 0 {
            column[i] = Int32(active.count)
            active.append(Int32(i))
        }
        var starts = [Int](repeating: 0, count: train.userCount + 1)
        var degree = [Int](repeating: 0, count: active.count + 1)
        let columns = pairs.map { column[$0 % itemCount] }  // ascending per user: pairs are sorted
        for (p, c) in zip(pairs, columns) {
            starts[p / itemCount + 1] += 1
            degree[Int(c) + 1] += 1
        }
        for u in 0..<train.userCount { starts[u + 1] += starts[u] }
        for c in 0..<active.count { degree[c + 1] += degree[c] }
        var fill = degree
        var users = [Int32](repeating: 0, count: pairs.count)
        for (p, c) in zip(pairs, columns) {
            users[fill[Int(c)]] = Int32(p / itemCount)
            fill[Int(c)] += 1
        }
        self.userCount = train.userCount
        self.itemCount = itemCount
        activeItems = active
        userStarts = starts
        userColumns = columns
        columnStarts = degree
        columnUsers = users
    }

    var activeCount: Int { activeItems.count }

    /// Users who rated each column (the squared norms of X's columns).
    var columnDegrees: [Int] { (0..<activeCount).map { columnStarts[$0 + 1] - columnStarts[$0] } }

    func columns(ofUser u: Int) -> ArraySlice<Int32> {
        u < userCount ? userColumns[userStarts[u]..<userStarts[u + 1]] : []
    }

    /// Column c of XᵀX: calls `body(c′, users who rated both c and c′)` for every c′ with a
    /// nonzero count (c included), in order of first encounter. Costs Σ over c's users of their
    /// item counts.
    func forEachCooccurrence(ofColumn c: Int, scratch: inout CooccurrenceScratch, _ body: (Int, Int32) -> Void) {
        var seen = 0
        scratch.counts.withUnsafeMutableBufferPointer { counts in
            scratch.touched.withUnsafeMutableBufferPointer { touched in
                columnUsers.withUnsafeBufferPointer { users in
                    userColumns.withUnsafeBufferPointer { columns in
                        userStarts.withUnsafeBufferPointer { starts in
                            for k in columnStarts[c]..<columnStarts[c + 1] {
                                let u = Int(users[k])
                                for m in starts[u]..<starts[u + 1] {
                                    let other = Int(columns[m])
                                    if counts[other] == 0 {
                                        touched[seen] = Int32(other)
                                        seen += 1
                                    }
                                    counts[other] += 1
                                }
                            }
                        }
                    }
                }
                for t in 0..<seen {
                    let other = Int(touched[t])
                    body(other, counts[other])
                    counts[other] = 0
                }
            }
        }
    }
}

/// Buffers of `forEachCooccurrence`, one per thread: a count per column (all zero between calls)
/// and the columns the current call touched.
struct CooccurrenceScratch {
    var counts: [Int32]
    var touched: [Int32]

    init(columns: Int) {
        counts = [Int32](repeating: 0, count: columns)
        touched = counts
    }
}
