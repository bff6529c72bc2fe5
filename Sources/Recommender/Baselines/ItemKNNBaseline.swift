import TensorCore

/// Item-based k-nearest neighbours over the binary train matrix, for catalogs too large for EASE^R.
///
/// X is the users × items 0/1 matrix of the train rows (a rating of any value counts as 1, a
/// repeated pair once). sim(i, j) = cosine of columns i and j of X = c_ij / √(n_i n_j), with c_ij
/// the users who rated both and n_i those who rated i. Each item j keeps its `neighbors` most
/// similar other items N(j) (similarity > 0; equal similarities keep the smaller item index), and
/// score(u, j) = Σ_{i ∈ train items of u, i ∈ N(j)} sim(i, j). Items never rated, and every item
/// for users without train rows, score 0.
///
/// No items × items matrix is formed: item j's similarities come from the item lists of its
/// users (Σ_u n_u² work in all), computed in Double and then kept in Float, in parallel across
/// items; the result does not depend on `threads`.
public struct ItemKNNBaseline: ScoreRanker {
    public let name = "item_knn"
    public let neighbors: Int
    /// N(j) of each active column j, best first: columns and similarities.
    let neighborStarts: [Int]
    let neighborColumns: [Int32]
    let neighborSimilarities: [Float]
    /// The same pairs by source: for column i, the catalog items j with i ∈ N(j), and sim(i, j).
    let targetStarts: [Int]
    let targetItems: [Int32]
    let targetSimilarities: [Float]
    let interactions: BinaryInteractions

    public init(fit train: TrainingView, neighbors: Int = 100, threads: Int = 1) {
        self.init(BinaryInteractions(train), neighbors: neighbors, threads: threads)
    }

    init(_ x: BinaryInteractions, neighbors: Int, threads: Int) {
        precondition(neighbors > 0, "ItemKNNBaseline: neighbors must be positive, got \(neighbors)")
        self.neighbors = neighbors
        interactions = x
        let n = x.activeCount, block = 64
        let degrees = x.columnDegrees.map(Double.init)
        let lists = parallelMap(count: (n + block - 1) / block, threads: threads) { b in
            Self.nearest(x, degrees: degrees, columns: (b * block)..<min(n, (b + 1) * block), k: neighbors)
        }.flatMap { $0 }
        var starts = [0], columns: [Int32] = [], similarities: [Float] = []
        for list in lists {
            columns += list.map(\.column)
            similarities += list.map { Float($0.similarity) }
            starts.append(columns.count)
        }
        neighborStarts = starts
        neighborColumns = columns
        neighborSimilarities = similarities
        // Counting sort by source column; targets stay ascending within each source.
        var tStarts = [Int](repeating: 0, count: n + 1)
        for c in columns { tStarts[Int(c) + 1] += 1 }
        for c in 0..<n { tStarts[c + 1] += tStarts[c] }
        var fill = tStarts
        var items = [Int32](repeating: 0, count: columns.count)
        var sims = [Float](repeating: 0, count: columns.count)
        for j in 0..<n {
            for m in starts[j]..<starts[j + 1] {
                let i = Int(columns[m])
                items[fill[i]] = x.activeItems[j]
                sims[fill[i]] = similarities[m]
                fill[i] += 1
            }
        }
        targetStarts = tStarts
        targetItems = items
        targetSimilarities = sims
    }

    /// N(j) for each column j in `columns`, best first.
    static func nearest(_ x: BinaryInteractions, degrees: [Double], columns: Range<Int>, k: Int)
        -> [[(column: Int32, similarity: Double)]]
    {
        var scratch = CooccurrenceScratch(columns: x.activeCount)
        return degrees.withUnsafeBufferPointer { degree in
            columns.map { j in
                var best = BestNeighbors(capacity: k)
                x.forEachCooccurrence(ofColumn: j, scratch: &scratch) { i, count in
                    if i != j { best.offer(Int32(i), Double(count) / (degree[i] * degree[j]).squareRoot()) }
                }
                return best.sortedBestFirst()
            }
        }
    }

    /// Catalog items in N(item), best first, with their similarities (empty for a never-rated item).
    public func similarItems(to item: Int32) -> [(item: Int32, similarity: Float)] {
        guard let j = interactions.activeItems.firstIndex(of: item) else { return [] }
        return (neighborStarts[j]..<neighborStarts[j + 1]).map { (interactions.activeItems[Int(neighborColumns[$0])], neighborSimilarities[$0]) }
    }

    public func rankingScores(users: [Int32]) -> Tensor {
        let items = interactions.itemCount
        var out = Tensor(shape: [users.count, items])
        out.withUnsafeMutableBufferPointer { o in
            for (r, u) in users.enumerated() {
                let row = o.baseAddress! + r * items
                for i in interactions.columns(ofUser: Int(u)).map(Int.init) {
                    for m in targetStarts[i]..<targetStarts[i + 1] { row[Int(targetItems[m])] += targetSimilarities[m] }
                }
            }
        }
        return out
    }
}

/// The `capacity` best (column, similarity) pairs offered: higher similarity first, then the
/// smaller column. A min-heap whose root is the worst kept pair.
struct BestNeighbors {
    let capacity: Int
    private(set) var pairs: [(column: Int32, similarity: Double)] = []

    init(capacity: Int) { self.capacity = capacity }

    static func better(_ a: (column: Int32, similarity: Double), _ b: (column: Int32, similarity: Double)) -> Bool {
        a.similarity != b.similarity ? a.similarity > b.similarity : a.column < b.column
    }

    /// Inlined: most offers are rejected by one comparison with the root.
    @inline(__always)
    mutating func offer(_ column: Int32, _ similarity: Double) {
        let pair = (column: column, similarity: similarity)
        if pairs.count < capacity {
            push(pair)
        } else if Self.better(pair, pairs[0]) {
            replaceRoot(pair)
        }
    }

    private mutating func push(_ pair: (column: Int32, similarity: Double)) {
        pairs.append(pair)
        var c = pairs.count - 1
        while c > 0, Self.better(pairs[(c - 1) / 2], pairs[c]) {
            pairs.swapAt(c, (c - 1) / 2)
            c = (c - 1) / 2
        }
    }

    private mutating func replaceRoot(_ pair: (column: Int32, similarity: Double)) {
        pairs[0] = pair
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < pairs.count && Self.better(pairs[m], pairs[l]) { m = l }
            if r < pairs.count && Self.better(pairs[m], pairs[r]) { m = r }
            if m == p { break }
            pairs.swapAt(p, m)
            p = m
        }
    }

    func sortedBestFirst() -> [(column: Int32, similarity: Double)] { pairs.sorted(by: Self.better) }
}
