import NeuralNet
import TensorCore

extension FusionModel.Scorer {
    /// The head's first layer W₁·z + b₁ over z = [w_u, v_i, w_u ⊙ v_i], split by its three
    /// input blocks W₁ = [A | B | C]:
    ///
    ///   W₁·z + b₁ = A·w_u + (B·v_i + b₁) + (C·diag(w_u))·v_i
    ///
    /// The middle term depends on the item alone. `itemHalf` computes it for every item once (at
    /// load, (items, hidden)); scoring many items for one user then costs one (hidden × d) product
    /// per item instead of (hidden × 3d), and A·w_u and C·diag(w_u) once per user.
    public func itemHalf(of itemVectors: Tensor) -> Tensor {
        let first = firstLayer, d = itemVectors.shape[1]
        var half = matmul(itemVectors, columns(first.weight, from: d, width: d), transposeB: true)
        if let bias = first.bias {
            let h = bias.count
            half.withUnsafeMutableBufferPointer { p in
                bias.withUnsafeBufferPointer { b in
                    for r in 0..<itemVectors.shape[0] { for j in 0..<h { p[r * h + j] += b[j] } }
                }
            }
        }
        return half
    }

    /// Predicted (normalised) ratings of user row `user` of `userVectors` for `items`, with
    /// `itemHalf` (`itemHalf(of: itemVectors)`, rows appended as items are). `coldUser`: the
    /// unknown-user bias. The same values as `score(users:items:…)` up to rounding.
    public func score(user: Int, of userVectors: Tensor, items: [Int], itemVectors: Tensor, itemHalf: Tensor,
                      coldUser: Bool = false) -> [Float] {
        let d = userVectors.shape[1]
        let w = Tensor(shape: [1, d], storage: Array(userVectors.storage[(user * d)..<((user + 1) * d)]))
        let (userPart, crossWeight) = userHalf(w)
        let rest = head.layers.dropFirst()
        let bias = globalMean + userBias.storage[coldUser ? userCount : behavior.userRow(user)]
        var result = [Float]()
        result.reserveCapacity(items.count)
        for start in stride(from: 0, to: items.count, by: FusionModel.chunk) {
            let chunk = Array(items[start..<min(items.count, start + FusionModel.chunk)])
            let v = gather(itemVectors, chunk)
            // (C·diag(w))·v_i for the chunk, then the item half and A·w added: the first layer's output.
            var z = matmul(v, crossWeight, transposeB: true)
            let half = gather(itemHalf, chunk), h = half.shape[1]
            z.withUnsafeMutableBufferPointer { zp in
                half.withUnsafeBufferPointer { hp in
                    userPart.withUnsafeBufferPointer { up in
                        for r in 0..<chunk.count { for j in 0..<h { zp[r * h + j] += hp[r * h + j] + up[j] } }
                    }
                }
            }
            let mlp = rest.reduce(z) { $1.infer($0) }
            let dot = matvec(v, w)
            for k in chunk.indices {
                result.append(bias + itemBias.storage[behavior.itemRow(chunk[k])] + dot.storage[k] + mlp.storage[k])
            }
        }
        return result
    }

    /// A·w (hidden) and C·diag(w) (hidden, d) of one user vector w (1, d).
    private func userHalf(_ w: Tensor) -> (Tensor, Tensor) {
        let first = firstLayer, d = w.shape[1]
        let userPart = matvec(columns(first.weight, from: 0, width: d), w)
        var cross = columns(first.weight, from: 2 * d, width: d)
        let h = cross.shape[0]
        cross.withUnsafeMutableBufferPointer { c in
            w.withUnsafeBufferPointer { wp in
                for j in 0..<h { for k in 0..<d { c[j * d + k] *= wp[k] } }
            }
        }
        return (userPart, cross)
    }

    private var firstLayer: Linear.Frozen {
        guard let first = head.layers.first as? Linear.Frozen else { preconditionFailure("Scorer: the head starts with a Linear layer") }
        return first
    }
}
