import TensorCore

/// Biased matrix factorisation trained by SGD: r̂ = μ + b_u + b_i + q_iᵀp_u.
///
/// Same algorithm and defaults as Surprise's `SVD` (100 factors, 20 epochs, lr 0.005, reg 0.02,
/// factors initialised N(0, 0.1²)): for each train rating in a shuffled order, e = r − r̂, then
/// b_u += lr(e − reg·b_u), b_i += lr(e − reg·b_i), p_u += lr(e·q_i − reg·p_u),
/// q_i += lr(e·p_u − reg·q_i) (with the old p_u, q_i). Users or items without train ratings get
/// no factor term. Predictions are clipped to the train rating range; ranking uses the unclipped
/// score. The shuffling and the
/// initialisation use our seeded generator, so results match Surprise in distribution, not digit
/// for digit.
public struct MatrixFactorization: RatingPredictor, ScoreRanker {
    public let name = "mf"
    public let mean: Float
    public private(set) var userBias: [Float]
    public private(set) var itemBias: [Float]
    /// users × factors and items × factors, row-major.
    public private(set) var userFactors: [Float]
    public private(set) var itemFactors: [Float]
    public let factors: Int
    let known: (users: [Bool], items: [Bool])
    let range: ClosedRange<Float>

    public init(fit train: TrainingView, factors: Int = 100, epochs: Int = 20, learningRate: Float = 0.005,
                regularization: Float = 0.02, initStd: Float = 0.1, seed: UInt64) {
        var rng = SeededGenerator(seed: seed, stream: "mf")
        self.factors = factors
        mean = train.globalMean
        range = train.ratingRange
        userBias = [Float](repeating: 0, count: train.userCount)
        itemBias = [Float](repeating: 0, count: train.itemCount)
        userFactors = (0..<(train.userCount * factors)).map { _ in rng.nextNormal() * initStd }
        itemFactors = (0..<(train.itemCount * factors)).map { _ in rng.nextNormal() * initStd }
        var knownUsers = [Bool](repeating: false, count: train.userCount)
        var knownItems = [Bool](repeating: false, count: train.itemCount)
        for k in 0..<train.count { knownUsers[Int(train.users[k])] = true; knownItems[Int(train.items[k])] = true }
        known = (knownUsers, knownItems)
        var order = Array(0..<train.count)
        let f = factors, mu = mean
        for _ in 0..<epochs {
            rng.shuffle(&order)
            userBias.withUnsafeMutableBufferPointer { bu in
                itemBias.withUnsafeMutableBufferPointer { bi in
                    userFactors.withUnsafeMutableBufferPointer { pu in
                        itemFactors.withUnsafeMutableBufferPointer { qi in
                            for k in order {
                                let u = Int(train.users[k]), i = Int(train.items[k])
                                let p = pu.baseAddress! + u * f, q = qi.baseAddress! + i * f
                                let err = train.ratings[k] - (mu + bu[u] + bi[i] + Kernels.dot(f, p, q))
                                bu[u] += learningRate * (err - regularization * bu[u])
                                bi[i] += learningRate * (err - regularization * bi[i])
                                for j in 0..<f {
                                    let pj = p[j], qj = q[j]
                                    p[j] += learningRate * (err * qj - regularization * pj)
                                    q[j] += learningRate * (err * pj - regularization * qj)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func predict(users: [Int32], items: [Int32]) -> [Float] {
        zip(users, items).map { u, i in min(max(raw(Int(u), Int(i)), range.lowerBound), range.upperBound) }
    }

    func raw(_ u: Int, _ i: Int) -> Float {
        let ku = u < known.users.count && known.users[u], ki = i < known.items.count && known.items[i]
        var p = mean + (ku ? userBias[u] : 0) + (ki ? itemBias[i] : 0)
        if ku && ki {
            for j in 0..<factors { p += userFactors[u * factors + j] * itemFactors[i * factors + j] }
        }
        return p
    }

    /// One sgemm of the users' factors by every item's (zero rows for unknown users and items, which
    /// get no factor term), plus the biases: the same values as `raw`, up to summation order.
    public func rankingScores(users: [Int32]) -> Tensor {
        let n = itemBias.count, f = factors
        var p = Tensor(shape: [users.count, f]), q = Tensor(shape: [n, f])
        for (j, u) in users.enumerated() where Int(u) < known.users.count && known.users[Int(u)] {
            for c in 0..<f { p.storage[j * f + c] = userFactors[Int(u) * f + c] }
        }
        for i in 0..<n where i < known.items.count && known.items[i] {
            for c in 0..<f { q.storage[i * f + c] = itemFactors[i * f + c] }
        }
        var out = matmul(p, q, transposeB: true)
        for (j, u) in users.enumerated() {
            let ub = Int(u) < known.users.count && known.users[Int(u)] ? userBias[Int(u)] : 0
            for i in 0..<n {
                let ib = i < known.items.count && known.items[i] ? itemBias[i] : 0
                out.storage[j * n + i] += mean + ub + ib
            }
        }
        return out
    }
}
