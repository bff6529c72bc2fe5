import TensorCore

/// μ + b_u + b_i with regularised biases fitted by alternating least squares.
///
/// Same definition and defaults as Surprise's `BaselineOnly` with `method: als`
/// (reg_u = 15, reg_i = 10, 10 epochs): each epoch sets, for every user,
/// b_u = Σ_{i∈R(u)} (r_ui − μ − b_i) / (reg_u + |R(u)|), then for every item
/// b_i = Σ_{u∈R(i)} (r_ui − μ − b_u) / (reg_i + |R(i)|). Unknown users or items contribute 0.
/// Predictions are clipped to the train rating range; ranking uses the unclipped μ + b_u + b_i.
public struct BiasBaseline: RatingPredictor, ScoreRanker {
    public let name = "bias"
    public let mean: Float
    public let userBias: [Float]
    public let itemBias: [Float]
    let range: ClosedRange<Float>

    public init(fit train: TrainingView, userRegularization: Double = 15, itemRegularization: Double = 10, epochs: Int = 10) {
        let mu = Double(train.globalMean)
        var bu = [Double](repeating: 0, count: train.userCount)
        var bi = [Double](repeating: 0, count: train.itemCount)
        var userCount = [Int](repeating: 0, count: train.userCount)
        var itemCount = [Int](repeating: 0, count: train.itemCount)
        for k in 0..<train.count {
            userCount[Int(train.users[k])] += 1
            itemCount[Int(train.items[k])] += 1
        }
        for _ in 0..<epochs {
            var sum = [Double](repeating: 0, count: train.userCount)
            for k in 0..<train.count { sum[Int(train.users[k])] += Double(train.ratings[k]) - mu - bi[Int(train.items[k])] }
            for u in 0..<train.userCount { bu[u] = sum[u] / (userRegularization + Double(userCount[u])) }
            var isum = [Double](repeating: 0, count: train.itemCount)
            for k in 0..<train.count { isum[Int(train.items[k])] += Double(train.ratings[k]) - mu - bu[Int(train.users[k])] }
            for i in 0..<train.itemCount { bi[i] = isum[i] / (itemRegularization + Double(itemCount[i])) }
        }
        mean = train.globalMean
        userBias = bu.map(Float.init)
        itemBias = bi.map(Float.init)
        range = train.ratingRange
    }

    public func predict(users: [Int32], items: [Int32]) -> [Float] {
        zip(users, items).map { u, i in min(max(raw(u, i), range.lowerBound), range.upperBound) }
    }

    func raw(_ u: Int32, _ i: Int32) -> Float {
        mean + (Int(u) < userBias.count ? userBias[Int(u)] : 0) + (Int(i) < itemBias.count ? itemBias[Int(i)] : 0)
    }

    public func rankingScores(users: [Int32]) -> Tensor {
        var out = Tensor(shape: [users.count, itemBias.count])
        for (j, u) in users.enumerated() {
            for i in 0..<itemBias.count { out.storage[j * itemBias.count + i] = raw(u, Int32(i)) }
        }
        return out
    }
}
