import TensorCore

/// Anything that ranks the catalog for a user: the fused model and every baseline.
///
/// Rankers rank by their real scores, never by clipped ratings: a rating model whose predictions
/// all clip to the top of the scale would otherwise rank in tie-break order.
public protocol Ranker: Sendable {
    /// Name used in metric tables (`fused`, `popularity`, `ease`, …).
    var name: String { get }
    /// For each user, the `k` best items that are not in `excluded[j]`, best first; ties are broken
    /// by `ties`. Called from several threads at once on disjoint user lists.
    func topItems(users: [Int32], excluded: [Set<Int32>], k: Int, ties: TieBreak) -> [[Int32]]
}

/// A ranker whose score of every item is cheap to compute densely (the baselines).
public protocol ScoreRanker: Ranker {
    /// Unclipped ranking scores of every catalog item for each user: (users.count, itemCount),
    /// row-major; higher ranks first.
    func rankingScores(users: [Int32]) -> Tensor
}

extension ScoreRanker {
    public func topItems(users: [Int32], excluded: [Set<Int32>], k: Int, ties: TieBreak) -> [[Int32]] {
        let scores = rankingScores(users: users)
        let n = scores.shape[1]
        return scores.withUnsafeBufferPointer { s in
            users.indices.map { j in
                TopK.select(UnsafeBufferPointer(rebasing: s[(j * n)..<((j + 1) * n)]), k: k, excluded: excluded[j], ties: ties)
            }
        }
    }
}

/// The documented rule for equal scores: the item with more train interactions ranks first, then
/// the smaller item id (compared as strings). Never the items file's row order, so reordering the
/// catalog does not reorder a recommendation list.
public struct TieBreak: Sendable {
    /// Position of each item in that order (0 = first).
    public let position: [Int32]

    /// `counts[i]`: train interactions of item i; `ids[i]`: its id.
    public init(counts: [Int], ids: [String]) {
        precondition(counts.count == ids.count, "TieBreak: \(counts.count) counts for \(ids.count) ids")
        let order = ids.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : ids[$0] < ids[$1] }
        var position = [Int32](repeating: 0, count: ids.count)
        for (p, i) in order.enumerated() { position[i] = Int32(p) }
        self.position = position
    }

    /// From the train rows of a rating set.
    public init(set: RatingSet, trainRows: [Int]) {
        var counts = [Int](repeating: 0, count: set.itemCount)
        for r in trainRows { counts[Int(set.items[r])] += 1 }
        self.init(counts: counts, ids: set.itemIds)
    }

    /// Whether item a (score sa) ranks before item b (score sb). NaN scores rank last.
    @inline(__always)
    public func before(_ a: Int32, _ sa: Float, _ b: Int32, _ sb: Float) -> Bool {
        if sa == sb || (sa.isNaN && sb.isNaN) { return position[Int(a)] < position[Int(b)] }
        if sa.isNaN { return false }
        if sb.isNaN { return true }
        return sa > sb
    }
}
