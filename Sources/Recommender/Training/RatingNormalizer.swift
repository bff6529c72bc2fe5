/// Maps ratings to the scale the model is trained on and back (preprocess.normalize), with
/// statistics of the train split only.
public struct RatingNormalizer: Sendable, Codable, Equatable {
    public let method: PreprocessOptions.Normalization
    public let mean: Float
    public let std: Float
    /// Per user mean train rating (user_mean); users without train ratings use `mean`.
    public let userMeans: [Float]

    enum CodingKeys: String, CodingKey { case method, mean, std, userMeans = "user_means" }

    public init(method: PreprocessOptions.Normalization, set: RatingSet, trainRows: [Int]) {
        self.method = method
        var sum = 0.0, sumSq = 0.0
        var userSum = [Double](repeating: 0, count: set.userCount), userCount = [Int](repeating: 0, count: set.userCount)
        for r in trainRows {
            let v = Double(set.ratings[r])
            sum += v; sumSq += v * v
            userSum[Int(set.users[r])] += v
            userCount[Int(set.users[r])] += 1
        }
        let n = Double(max(trainRows.count, 1))
        let m = sum / n
        mean = Float(m)
        std = Float(max((sumSq / n - m * m).squareRoot(), 1e-6))
        userMeans = zip(userSum, userCount).map { $1 > 0 ? Float($0 / Double($1)) : Float(m) }
    }

    public func normalize(_ r: Float, user: Int) -> Float {
        switch method {
        case .none: return r
        case .userMean: return r - userMeans[user]
        case .zscore: return (r - mean) / std
        }
    }

    /// `user` outside the train users (e.g. −1) means a user without ratings: the global mean.
    public func denormalize(_ p: Float, user: Int) -> Float {
        switch method {
        case .none: return p
        case .userMean: return p + (userMeans.indices.contains(user) ? userMeans[user] : mean)
        case .zscore: return p * std + mean
        }
    }
}
