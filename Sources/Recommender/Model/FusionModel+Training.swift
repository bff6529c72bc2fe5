import NeuralNet
import TensorCore

/// One training step's forward and backward passes.
extension FusionModel {
    struct StepCache {
        var users: [Int]
        var uniqueItems: [Int]
        /// Example → position in `uniqueItems`.
        var position: [Int]
        var items: ItemInputs
        var userIDs: [Int]
        var w: Tensor
        var v: Tensor
    }

    /// Predictions for a batch in training mode; caches what `backward` needs.
    /// `rng` decides which ids and modalities are hidden in this batch (and which dropout masks
    /// the head draws, by the dropout layers' batch counter).
    /// `ratings` are the batch's targets, left out of each user's history and statistics.
    /// `rows`: this process trains on these rows of the batch alone (a member of a training
    /// group); the masks are those of the whole batch, so the rows are hidden as one process hides
    /// them, and the predictions returned are those of `rows`.
    public func forward(users: [Int], items: [Int], ratings: [Float], rows part: Range<Int>? = nil,
                        rng: inout SeededGenerator) -> [Float] {
        let whole = Self.distinctItems(items)
        let itemMasks = drawItemMasks(whole.items, rng: &rng)
        let userMasks = drawUserMasks(users: users, leaveOut: items, keep: 1, rng: &rng)
        let part = part ?? users.indices
        let users = Array(users[part]), items = Array(items[part]), ratings = Array(ratings[part])
        let (uniqueItems, position, _) = Self.distinctItems(items)
        let itemIn = itemInputs(uniqueItems, mode: .training, masks: itemMasks.subset(uniqueItems.map { whole.slot[$0]! }))
        let vUnique = itemTower.forward(itemIn.x)
        let v = gather(vUnique, position)
        let userIn = userInputs(users: users, targets: (items, ratings), mode: .training, masks: userMasks.rows(part))
        let w = userTower.forward(userIn.x)
        let (dot, z) = Self.pairFeatures(w, v)
        for dropout in dropouts { dropout.firstRow = part.lowerBound }
        let mlp = head.forward(z)
        let ub = userBias.forward(userIn.idRows)
        let ib = itemBias.forward(position.map { itemIn.idRows[$0] })
        pending = StepCache(users: users, uniqueItems: uniqueItems, position: position, items: itemIn,
                            userIDs: userIn.idRows, w: w, v: v)
        return (0..<users.count).map { b in globalMean + ub.storage[b] + ib.storage[b] + dot[b] + mlp.storage[b] }
    }

    /// The distinct items of a batch in order of first appearance, each example's position among
    /// them, and each distinct item's position.
    static func distinctItems(_ items: [Int]) -> (items: [Int], position: [Int], slot: [Int: Int]) {
        var position = [Int](repeating: 0, count: items.count)
        var distinct: [Int] = []
        var slot: [Int: Int] = [:]
        for (b, i) in items.enumerated() {
            if let s = slot[i] { position[b] = s } else {
                slot[i] = distinct.count
                position[b] = distinct.count
                distinct.append(i)
            }
        }
        return (distinct, position, slot)
    }

    /// Accumulates gradients for dL/dr̂ of the last `forward`.
    public func backward(_ gradPrediction: [Float]) {
        guard let c = pending else { preconditionFailure("FusionModel.backward called before forward") }
        pending = nil
        let n = c.users.count, d = dimension
        let g = Tensor(shape: [n, 1], storage: gradPrediction)
        userBias.backward(g)
        itemBias.backward(g)
        let dz = head.backward(g)  // (n, 3d)
        var dw = Tensor(shape: [n, d]), dv = Tensor(shape: [n, d])
        for r in 0..<n {
            let gr = gradPrediction[r]
            for j in 0..<d {
                let w = c.w.storage[r * d + j], v = c.v.storage[r * d + j]
                let dProduct = dz.storage[r * 3 * d + 2 * d + j]
                dw.storage[r * d + j] = dz.storage[r * 3 * d + j] + dProduct * v + gr * v
                dv.storage[r * d + j] = dz.storage[r * 3 * d + d + j] + dProduct * w + gr * w
            }
        }
        backwardUserTower(userTower.backward(dw))
        var dvUnique = Tensor(shape: [c.uniqueItems.count, d])
        for (b, p) in c.position.enumerated() {
            for j in 0..<d { dvUnique.storage[p * d + j] += dv.storage[b * d + j] }
        }
        backwardItemTower(itemTower.backward(dvUnique), c.items)
    }

    /// `ownedHistoryRows`: every member of a training group backpropagates the same whole batch
    /// (the split ranking step), so each writes only the history rows it updates.
    func backwardUserTower(_ dx: Tensor, ownedHistoryRows: Bool = false) {
        var column = 0
        if let embedding = userEmbedding {
            embedding.backward(columns(dx, from: column, width: embedding.dimension))
            column += embedding.dimension
        }
        if let history {
            history.backward(columns(dx, from: column, width: history.dimension), ownedRowsOnly: ownedHistoryRows)
            column += history.dimension
        }
        if options.userStatistics { column += 2 }
        if let encoder = userEncoder { encoder.backward(columns(dx, from: column, width: encoder.outputDimension)) }
    }

    func backwardItemTower(_ dx: Tensor, _ inputs: ItemInputs) {
        var column = 0
        for (k, encoder) in itemEncoders.enumerated() {
            let width = encoder.outputDimension
            let block = columns(dx, from: column, width: width)
            column += width + (isModality[k] ? 1 : 0)
            let rows = inputs.encodedRows[k]
            if frozenOutputs[k] == nil { encoder.backward(gather(block, rows)) }
            if let miss = missing[k] {
                var isEncoded = [Bool](repeating: false, count: block.shape[0])
                for r in rows { isEncoded[r] = true }
                for r in 0..<block.shape[0] where !isEncoded[r] {
                    miss.markTouched(0)
                    for j in 0..<width { miss.grad.storage[j] += block.storage[r * width + j] }
                }
            }
        }
        if let embedding = itemIdEmbedding { embedding.backward(columns(dx, from: column, width: embedding.dimension)) }
    }

    /// Adds λ·θ to the gradient of every embedding row the batch touched (L2 on what was used).
    public func regularizeTouchedRows(_ lambda: Float) {
        guard lambda > 0 else { return }
        for p in parameters where p.isRowSparse {
            let width = p.rowWidth
            p.grad.withUnsafeMutableBufferPointer { g in
                p.value.withUnsafeBufferPointer { v in
                    for row in p.touchedRows {
                        for j in 0..<width { g[row * width + j] += lambda * v[row * width + j] }
                    }
                }
            }
        }
    }
}
