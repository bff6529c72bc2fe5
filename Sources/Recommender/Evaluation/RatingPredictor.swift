/// Anything that scores (user, item) pairs: the fused model and every baseline.
///
/// Users and items are indices of the `RatingSet`; a user or item the model never saw in training
/// must still get a score (its fallback is the model's business, and documented there).
public protocol RatingPredictor: Sendable {
    /// Name used in metric tables (`fused`, `global_mean`, `bias`, `mf`).
    var name: String { get }
    /// Predicted ratings for the pairs (users[k], items[k]).
    func predict(users: [Int32], items: [Int32]) -> [Float]
}

/// Train ratings grouped for the baselines: per user and per item lists of (other index, rating).
public struct TrainingView: Sendable {
    public let userCount: Int
    public let itemCount: Int
    public let users: [Int32]
    public let items: [Int32]
    public let ratings: [Float]
    public let globalMean: Float
    /// Lowest and highest train rating; predictions are clipped to them.
    public let ratingRange: ClosedRange<Float>

    public init(set: RatingSet, rows: [Int]) {
        userCount = set.userCount
        itemCount = set.itemCount
        users = rows.map { set.users[$0] }
        items = rows.map { set.items[$0] }
        ratings = rows.map { set.ratings[$0] }
        globalMean = Self.mean(ratings)
        ratingRange = (ratings.min() ?? 0)...(ratings.max() ?? 0)
    }

    public var count: Int { ratings.count }

    /// Mean accumulated in Double (0 for no values).
    public static func mean(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        var sum = 0.0
        for v in values { sum += Double(v) }
        return Float(sum / Double(values.count))
    }

    public func clip(_ r: Float) -> Float { min(max(r, ratingRange.lowerBound), ratingRange.upperBound) }
}
