import NeuralNet
import TensorCore

extension FusionModel {
    /// The fused model's pair scoring with its weights fixed, from precomputed user and item vectors:
    ///
    ///   rating    r̂_ui = μ + b_u + b_i + ⟨w_u, v_i⟩ + MLP([w_u, v_i, w_u ⊙ v_i])
    ///   ranking   s_ui = scale · ⟨w̃_u, ṽ_i⟩ + c_i
    ///
    /// A `Sendable` value (biases, the MLP head's frozen layers, the ranking scale and biases):
    /// rankers and predictors score users on several threads with it, while the model itself is
    /// training state that stays on one thread. Later training does not change it.
    public struct Scorer: Sendable {
        let globalMean: Float
        /// Which users and items train knows (their id rows).
        let behavior: UserBehavior
        let userBias: Tensor
        let itemBias: Tensor
        let head: Sequential.Frozen
        let rankingScale: Float
        let rankingBias: Tensor

        public var userCount: Int { behavior.knownUsers.count }
        public var itemCount: Int { behavior.knownItems.count }

        /// Predicted (normalised) ratings for pairs. With `coldUser`, every pair uses row 0 of
        /// `userVectors` and the unknown-user bias.
        public func score(users: [Int], items: [Int], userVectors: Tensor, itemVectors: Tensor, coldUser: Bool = false) -> [Float] {
            var result = [Float]()
            result.reserveCapacity(users.count)
            let ub = userBias, ib = itemBias
            for start in stride(from: 0, to: users.count, by: FusionModel.chunk) {
                let end = min(users.count, start + FusionModel.chunk)
                let us = Array(users[start..<end]), its = Array(items[start..<end])
                let w = gather(userVectors, us), v = gather(itemVectors, its)
                let (dot, z) = FusionModel.pairFeatures(w, v)
                let mlp = head.infer(z)
                for k in 0..<us.count {
                    let userBiasRow = coldUser ? userCount : behavior.userRow(us[k])
                    result.append(globalMean + ub.storage[userBiasRow] + ib.storage[behavior.itemRow(its[k])] + dot[k] + mlp.storage[k])
                }
            }
            return result
        }

        /// Predicted (normalised) ratings of one user for items of another catalog: `userVector`
        /// (1, itemDim) is the user's w_u, `itemVectors` those items' v_i, `idRows` their rows of the
        /// item bias (`idRow(ofItem:)`, or `unknownItemRow`); `userIndex` nil is a user the model
        /// never saw (the unknown-user bias).
        public func score(userVector: Tensor, userIndex: Int?, itemVectors: Tensor, idRows: [Int]) -> [Float] {
            let n = idRows.count
            let w = gather(userVector, [Int](repeating: 0, count: n))
            let (dot, z) = FusionModel.pairFeatures(w, itemVectors)
            let mlp = head.infer(z)
            let bu = userBias.storage[userIndex.map(behavior.userRow) ?? userCount], ib = itemBias
            return (0..<n).map { globalMean + bu + ib.storage[idRows[$0]] + dot[$0] + mlp.storage[$0] }
        }

        /// Ranking scores s_ui of one user row `user` of `userVectors` for `items` only: a dot
        /// product each, instead of a pass over every item's vector (what a top-k list reports).
        public func rankingScores(user: Int, of w: Tensor, itemVectors v: Tensor, items: [Int]) -> [Float] {
            let d = w.shape[1], scale = rankingScale
            return w.withUnsafeBufferPointer { pw in
                v.withUnsafeBufferPointer { pv in
                    items.map { i in
                        var sum: Float = 0
                        for j in 0..<d { sum += pw[user * d + j] * pv[i * d + j] }
                        return scale * sum + rankingBias.storage[behavior.itemRow(i)]
                    }
                }
            }
        }

        /// Ranking scores s_ui of every item for each user row of `userVectors`, (users, itemCount).
        public func rankingScores(userVectors w: Tensor, itemVectors v: Tensor) -> Tensor {
            let n = v.shape[0], scale = rankingScale
            // One user (recommend, serve): sgemv, not sgemm, which would pack all of v per call.
            var s = w.shape[0] == 1 ? matvec(v, w).reshaped([1, n]) : matmul(w, v, transposeB: true)
            let c = (0..<n).map { rankingBias.storage[behavior.itemRow($0)] }
            s.withUnsafeMutableBufferPointer { p in
                for r in 0..<w.shape[0] {
                    for j in 0..<n { p[r * n + j] = scale * p[r * n + j] + c[j] }
                }
            }
            return s
        }

        /// The rating's dot-product part ⟨w_u, v_i⟩ + b_i of user row `user` of `w` for every item:
        /// what `FusedRanker` retrieves candidates by before the full rating re-ranks them.
        public func dotScores(user: Int, of w: Tensor, itemVectors v: Tensor) -> [Float] {
            let d = w.shape[1]
            let row = Tensor(shape: [d], storage: Array(w.storage[(user * d)..<((user + 1) * d)]))
            let dot = matvec(v, row)
            return (0..<v.shape[0]).map { dot.storage[$0] + itemBias.storage[behavior.itemRow($0)] }
        }

        /// The ranking head's scores s_ui of one user (its ranking vector w̃_u, (1, d)) for items of
        /// another catalog (their ṽ_i and id rows).
        public func rankingScores(userVector: Tensor, itemVectors: Tensor, idRows: [Int]) -> [Float] {
            let s = matmul(userVector, itemVectors, transposeB: true)
            let scale = rankingScale, c = rankingBias
            return idRows.indices.map { scale * s.storage[$0] + c.storage[idRows[$0]] }
        }
    }

    /// The scoring with the current weights.
    public func scorer() -> Scorer {
        Scorer(globalMean: globalMean, behavior: behavior, userBias: userBias.table.value, itemBias: itemBias.table.value,
               head: head.frozen(), rankingScale: rankingScale.value.storage[0], rankingBias: rankingBias.table.value)
    }
}
