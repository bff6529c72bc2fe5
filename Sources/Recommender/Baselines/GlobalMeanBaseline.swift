/// Predicts the mean train rating for every pair.
public struct GlobalMeanBaseline: RatingPredictor {
    public let name = "global_mean"
    public let mean: Float

    public init(fit train: TrainingView) { mean = train.globalMean }

    public func predict(users: [Int32], items: [Int32]) -> [Float] {
        [Float](repeating: mean, count: users.count)
    }
}
