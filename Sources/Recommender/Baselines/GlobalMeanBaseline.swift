/// Predicts the mean train rating for every pair.
import TensorCore

/// As a ranker every item ties, so it ranks in `TieBreak` order: by train popularity.
public struct GlobalMeanBaseline: RatingPredictor, ScoreRanker {
    public let name = "global_mean"
    public let mean: Float

    public init(fit train: TrainingView) {
        mean = train.globalMean
        itemCount = train.itemCount
    }

    public func predict(users: [Int32], items: [Int32]) -> [Float] {
        [Float](repeating: mean, count: users.count)
    }

    public let itemCount: Int

    public func rankingScores(users: [Int32]) -> Tensor {
        Tensor(shape: [users.count, itemCount], storage: [Float](repeating: mean, count: users.count * itemCount))
    }
}
