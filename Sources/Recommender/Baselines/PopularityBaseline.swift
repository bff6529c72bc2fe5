import TensorCore

/// Ranks every user's catalog by train popularity: the score of item i is its number of train
/// rows (a repeated pair counts each time, as in `TieBreak`), the same for every user.
public struct PopularityBaseline: ScoreRanker {
    public let name = "popularity"
    /// Train rows of each item.
    public let counts: [Float]

    public init(fit train: TrainingView) {
        var counts = [Float](repeating: 0, count: train.itemCount)
        for i in train.items { counts[Int(i)] += 1 }
        self.counts = counts
    }

    public func rankingScores(users: [Int32]) -> Tensor {
        Tensor(shape: [users.count, counts.count], storage: Array([[Float]](repeating: counts, count: users.count).joined()))
    }
}
