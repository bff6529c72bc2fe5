import NeuralNet
import TensorCore

/// Building the towers' inputs, shared by training and inference.
extension FusionModel {
    enum Mode {
        /// Training: encoders cache for backward; ids and modalities are hidden at random.
        case training
        /// Evaluation: nothing cached; `masked` modalities are replaced by their missing vectors.
        case inference(masked: Set<String>)
    }

    /// What the item tower's input of a set of items was made of, for backward.
    struct ItemInputs {
        var x: Tensor
        /// Per encoder: positions (in the item list) of the items the encoder itself encoded.
        var encodedRows: [[Int]]
        /// Rows of the id embedding and bias used per item (unknown row when hidden or cold).
        var idRows: [Int]
    }

    /// Another catalog's items for the item tower: encoders mirroring `itemEncoders` (same names,
    /// widths and weights) over that catalog, and each item's row in the id embedding.
    struct ForeignItems {
        var encoders: [any FeatureEncoder]
        var idRows: [Int]
    }

    /// x_c of `items` (each once), of this model's catalog or of `foreign` items; in training,
    /// `masks` (of these items) say which encodings and ids are hidden.
    func itemInputs(_ items: [Int], mode: Mode, masks: ItemMasks? = nil, foreign: ForeignItems? = nil) -> ItemInputs {
        let n = items.count
        var parts: [Tensor] = []
        var encodedRows: [[Int]] = []
        for (k, encoder) in (foreign?.encoders ?? itemEncoders).enumerated() {
            let width = encoder.outputDimension
            var rows: [Int] = []
            for (r, item) in items.enumerated() where encoder.isPresent(item) {
                switch mode {
                case .training:
                    if masks?.hiddenEncodings[k][r] == true { continue }
                case .inference(let masked):
                    if masked.contains(encoder.name) { continue }
                    // Items without train ratings leave out what validation found hurts them.
                    if !coldItemMasked.isEmpty, coldItemMasked.contains(encoder.name),
                       (foreign?.idRows[item] ?? itemRow(item)) == itemCount { continue }
                }
                rows.append(r)
            }
            let encoded: Tensor
            if let table = frozenOutputs[k], foreign == nil {
                encoded = gather(table, rows.map { items[$0] })
            } else if case .training = mode {
                encoded = encoder.forward(rows.map { items[$0] })
            } else {
                encoded = encoder.infer(rows.map { items[$0] })
            }
            var block = Tensor(shape: [n, width + (isModality[k] ? 1 : 0)])
            let stride = block.shape[1]
            block.withUnsafeMutableBufferPointer { b in
                encoded.withUnsafeBufferPointer { e in
                    for (q, r) in rows.enumerated() where width > 0 {
                        (b.baseAddress! + r * stride).update(from: e.baseAddress! + q * width, count: width)
                    }
                }
                if let miss = missing[k] {
                    var isEncoded = [Bool](repeating: false, count: n)
                    for r in rows { isEncoded[r] = true }
                    for r in 0..<n where !isEncoded[r] {
                        for j in 0..<width { b[r * stride + j] = miss.value.storage[j] }
                        b[r * stride + width] = 1
                    }
                }
            }
            parts.append(block)
            encodedRows.append(rows)
        }
        var idRows = items.map { foreign?.idRows[$0] ?? itemRow($0) }
        if case .training = mode, let masks {
            for r in 0..<n where masks.hiddenIds[r] { idRows[r] = itemCount }
        }
        if let embedding = itemIdEmbedding {
            if case .training = mode { parts.append(embedding.forward(idRows)) } else { parts.append(embedding.infer(idRows)) }
        }
        let x = parts.isEmpty ? Tensor(shape: [n, 1]) : concatenateColumns(parts)
        return ItemInputs(x: x, encodedRows: encodedRows, idRows: idRows)
    }

    /// What the user tower's input of a batch was made of, for backward.
    struct UserInputs {
        var x: Tensor
        var idRows: [Int]
    }

    /// x_u for each user; in training, each example's target (item and rating) is left out of
    /// the user's history and statistics, and `masks` (of these rows) say which users are hidden
    /// and which history items are kept (the ranking objective's corrupted input, as in a
    /// denoising autoencoder). `withoutIds` gives every user the unknown id row but keeps history,
    /// statistics and fields: the ranking head sees users that way (with their id, it memorised
    /// each user's train items).
    func userInputs(users: [Int], targets: (items: [Int], ratings: [Float])?, mode: Mode, withoutIds: Bool = false,
                    masks: UserMasks? = nil) -> UserInputs {
        let n = users.count
        var parts: [Tensor] = []
        var idRows = users.map { withoutIds ? userCount : userRow($0) }
        // A hidden user looks exactly like a cold one: unknown id, no history, no statistics.
        let hidden = masks?.hiddenUsers ?? [Bool](repeating: false, count: n)
        for r in 0..<n where hidden[r] { idRows[r] = userCount }
        if let embedding = userEmbedding {
            if case .training = mode { parts.append(embedding.forward(idRows)) } else { parts.append(embedding.infer(idRows)) }
        }
        if let history {
            let bags = historyBags(users: users, leaveOut: targets?.items, hidden: hidden, kept: masks?.keptHistory)
            if case .training = mode { parts.append(history.forward(bags)) } else { parts.append(history.infer(bags)) }
        }
        if options.userStatistics {
            var stats = Tensor(shape: [n, 2])
            for (r, u) in users.enumerated() where !hidden[r] {
                let (a, b) = behavior.statistics(u, leavingOut: targets?.ratings[r])
                stats.storage[2 * r] = a
                stats.storage[2 * r + 1] = b
            }
            parts.append(stats)
        }
        if let encoder = userEncoder {
            if case .training = mode { parts.append(encoder.forward(users)) } else { parts.append(encoder.infer(users)) }
        }
        let x = parts.isEmpty ? Tensor(shape: [n, 1]) : concatenateColumns(parts)
        return UserInputs(x: x, idRows: idRows)
    }

    /// CSR bags of each user's history, minus the paired target item when given and the items
    /// `kept` marks as dropped; hidden users get an empty bag.
    func historyBags(users: [Int], leaveOut targets: [Int]?, hidden: [Bool], kept: [[Bool]]?) -> Bags {
        var offsets = [0]
        offsets.reserveCapacity(users.count + 1)
        var indices: [Int] = []
        var weights: [Float] = []
        let weighted = options.historyPooling == .ratingWeighted
        for (r, u) in users.enumerated() {
            let h = hidden[r] ? [] : behavior.history[u]
            let skip = targets?[r] ?? -1
            let use = h.indices.map { k in h[k] != skip && kept?[r][k] != false }
            var kept = 0
            var sum: Float = 0
            for k in h.indices where use[k] {
                indices.append(h[k])
                kept += 1
                sum += behavior.historyRatings[u][k]
            }
            if weighted {  // (r − mean) / count over what is kept
                let mean = kept > 0 ? sum / Float(kept) : 0
                for k in h.indices where use[k] {
                    weights.append((behavior.historyRatings[u][k] - mean) / Float(kept))
                }
            }
            offsets.append(indices.count)
        }
        return Bags(offsets: offsets, indices: indices, weights: weighted ? weights : nil)
    }

    /// For rows (W, V): ⟨w, v⟩ and the MLP's input z = [w, v, w ⊙ v]; r̂ − μ − biases = ⟨w, v⟩ + MLP(z).
    static func pairFeatures(_ w: Tensor, _ v: Tensor) -> (dot: [Float], z: Tensor) {
        let n = w.shape[0], d = w.shape[1]
        var z = Tensor(shape: [n, 3 * d])
        var dot = [Float](repeating: 0, count: n)
        w.withUnsafeBufferPointer { wp in
            v.withUnsafeBufferPointer { vp in
                z.withUnsafeMutableBufferPointer { zp in
                    for r in 0..<n {
                        let wr = wp.baseAddress! + r * d, vr = vp.baseAddress! + r * d, zr = zp.baseAddress! + r * 3 * d
                        var s: Float = 0
                        for j in 0..<d {
                            zr[j] = wr[j]
                            zr[d + j] = vr[j]
                            zr[2 * d + j] = wr[j] * vr[j]
                            s += wr[j] * vr[j]
                        }
                        dot[r] = s
                    }
                }
            }
        }
        return (dot, z)
    }
}
