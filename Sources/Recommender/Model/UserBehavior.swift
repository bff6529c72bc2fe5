import Foundation

/// What the training ratings say about each user: the items rated (most recent last, capped),
/// centred rating weights, and simple statistics. Also which users and items train knows.
public struct UserBehavior: Sendable {
    /// Per user: item indices of the most recent `maxItems` train ratings, oldest first.
    public let history: [[Int]]
    /// Per user, aligned with `history`: the ratings.
    public let historyRatings: [[Float]]
    public let ratingCount: [Int]
    public let meanRating: [Float]
    public let knownUsers: [Bool]
    public let knownItems: [Bool]
    let globalMean: Float
    let countScale: Float

    public init(set: RatingSet, trainRows: [Int], maxItems: Int) {
        var rows = [[Int]](repeating: [], count: set.userCount)
        var known = [Bool](repeating: false, count: set.itemCount)
        var total = 0.0
        for r in trainRows {
            rows[Int(set.users[r])].append(r)
            known[Int(set.items[r])] = true
            total += Double(set.ratings[r])
        }
        globalMean = trainRows.isEmpty ? 0 : Float(total / Double(trainRows.count))
        var history: [[Int]] = [], ratings: [[Float]] = [], counts: [Int] = [], means: [Float] = []
        for userRows in rows {
            let ordered = userRows.sorted { (set.timestamps[$0], $0) < (set.timestamps[$1], $1) }.suffix(maxItems)
            let mean = userRows.isEmpty ? 0 : userRows.reduce(Float(0)) { $0 + set.ratings[$1] } / Float(userRows.count)
            history.append(ordered.map { Int(set.items[$0]) })
            ratings.append(ordered.map { set.ratings[$0] })
            counts.append(userRows.count)
            means.append(mean)
        }
        self.history = history
        historyRatings = ratings
        ratingCount = counts
        meanRating = means
        knownUsers = counts.map { $0 > 0 }
        knownItems = known
        countScale = Float(Foundation.log1p(Double(counts.max() ?? 1)))
    }

    /// [log(1 + count) / log(1 + max count), mean rating − global mean]; zeros for unknown users.
    /// `leavingOut` removes one of the user's train ratings (the training target) from both, so
    /// training never sees its own label through these features.
    public func statistics(_ user: Int, leavingOut rating: Float? = nil) -> (Float, Float) {
        var n = ratingCount[user]
        var mean = meanRating[user]
        if let rating, n > 1 {
            mean = (mean * Float(n) - rating) / Float(n - 1)
            n -= 1
        } else if rating != nil {
            n = 0
        }
        guard n > 0 else { return (0, 0) }
        return (Float(Foundation.log1p(Double(n))) / max(countScale, 1e-6), mean - globalMean)
    }

    /// Row of the id embeddings and biases for user `u`: its own if train knows it, else the
    /// unknown row after the last user.
    func userRow(_ u: Int) -> Int { knownUsers[u] ? u : knownUsers.count }
    /// Row for item `i`: its own if train knows it, else the unknown row after the last item.
    func itemRow(_ i: Int) -> Int { i < knownItems.count && knownItems[i] ? i : knownItems.count }
}
