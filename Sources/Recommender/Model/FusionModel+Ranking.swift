import Foundation
import NeuralNet
import TensorCore

/// The ranking objective: the towers trained for retrieval beside the rating.
///
///   s_ui = scale · ⟨w̃_u, ṽ_i⟩ + c_i       (c_i: a per-item ranking bias, the unknown row for cold items)
///   L    = (1/B) Σ_u Σ_{i∈T(u)} y_ui · (log Σ_{j∈C} exp s_uj − s_uj|_{j=i})
///
/// over a batch of B users, their train items T(u) with weights y_ui, and candidate items C: every
/// item when the catalog is small enough, else the batch's targets plus sampled items, with each
/// logit corrected by −log q_j (q_j: the chance that j is among the candidates; Yi et al., RecSys
/// 2019) so the sampled softmax estimates the full one. The user's history is corrupted (each item
/// kept with probability `historyKeep`) so the model learns to predict a user's other items from
/// part of them, as a denoising autoencoder (Mult-DAE; Liang et al., WWW 2018). w̃_u is the user
/// tower without the user's id (the unknown id row; history, statistics and fields kept): with the
/// id, the ranking head memorised each user's train items. With `rankingTowers: separate`, w̃_u and
/// ṽ_i come from the ranking's own linear maps of the towers' inputs; with `shared` they are the
/// rating model's w_u and v_i.
extension FusionModel {
    /// One batch of the ranking objective: the users, their target items (CSR, weights y_ui) and
    /// the candidate items with their log-inclusion corrections (nil: all items, exact softmax).
    public struct RankingBatch: Sendable {
        public var users: [Int]
        public var targets: Bags
        public var candidates: [Int]
        public var logQ: [Float]?

        public init(users: [Int], targets: Bags, candidates: [Int], logQ: [Float]? = nil) {
            precondition(targets.count == users.count, "RankingBatch: \(targets.count) target lists for \(users.count) users")
            self.users = users; self.targets = targets; self.candidates = candidates; self.logQ = logQ
        }

        /// The batch of users `part` alone, with their targets and every candidate (the softmax
        /// runs over all of them).
        public func part(users part: Range<Int>) -> RankingBatch {
            let start = targets.offsets[part.lowerBound], end = targets.offsets[part.upperBound]
            let partTargets = Bags(offsets: targets.offsets[part.lowerBound...part.upperBound].map { $0 - start },
                                   indices: Array(targets.indices[start..<end]),
                                   weights: targets.weights.map { Array($0[start..<end]) })
            return RankingBatch(users: Array(users[part]), targets: partTargets, candidates: candidates, logQ: logQ)
        }
    }

    public enum Objective: Sendable { case rating, ranking }

    /// Marks the dense parameters the other objective alone uses as idle, so a step of `objective`
    /// does not move them: the MLP head (and the rating towers, when the ranking has its own) in
    /// ranking steps, the ranking scale and towers in rating steps.
    public func prepareStep(for objective: Objective) {
        let ratingOnly = head.parameters + (rankingItemTower == nil ? [] : itemTower.parameters)
            + (rankingUserTower == nil ? [] : userTower.parameters)
        for p in ratingOnly { p.isIdle = objective == .ranking }
        for p in [rankingScale] + (rankingItemTower?.parameters ?? []) + (rankingUserTower?.parameters ?? []) {
            p.isIdle = objective == .rating
        }
    }

    /// Forward and backward of the ranking loss for one batch; gradients are accumulated scaled by
    /// `weight`. Returns the batch's mean loss per user. `users`: this process trains on these
    /// users of the batch alone (a member of a training group), masked as the whole batch masks them.
    @discardableResult
    public func rankingStep(_ batch: RankingBatch, users part: Range<Int>? = nil, historyKeep: Float, weight: Float,
                            rng: inout SeededGenerator) -> Double {
        guard !batch.users.isEmpty, !batch.candidates.isEmpty else { return 0 }
        let itemMasks = drawItemMasks(batch.candidates, rng: &rng)
        let userMasks = drawUserMasks(users: batch.users, leaveOut: nil, keep: historyKeep, rng: &rng)
        let part = part ?? batch.users.indices
        let batch = part == batch.users.indices ? batch : batch.part(users: part)
        let b = batch.users.count, n = batch.candidates.count
        guard b > 0 else { return 0 }
        let itemIn = itemInputs(batch.candidates, mode: .training, masks: itemMasks)
        let v = retrievalItemTower.forward(itemIn.x)  // (n, d)
        let userIn = userInputs(users: batch.users, targets: nil, mode: .training, withoutIds: true,
                                masks: userMasks.rows(part))
        let w = retrievalUserTower.forward(userIn.x)  // (b, d)
        let bias = rankingBias.forward(itemIn.idRows)  // (n, 1)
        let scale = rankingScale.value.storage[0]
        // The two (b, n) matrices live in the workspace: ⟨w, v⟩, then dL/dlogits becoming dL/d⟨w, v⟩.
        matmul(w, v, transposeB: true, into: &rankingWorkspace.dots)
        let (loss, dScale) = Self.softmaxLoss(rankingWorkspace.dots, Logits(bias: bias, scale: scale, logQ: batch.logQ), batch: batch,
                                              weight: weight / Float(b), gradient: &rankingWorkspace.gradient)
        rankingScale.grad.storage[0] += dScale
        rankingBias.backward(rankingWorkspace.gradient.sumRows().reshaped([n, 1]))
        rankingWorkspace.gradient.scale(by: scale)
        let dw = matmul(rankingWorkspace.gradient, v)  // (b, d)
        let dv = matmul(rankingWorkspace.gradient, w, transposeA: true)  // (n, d)
        backwardUserTower(retrievalUserTower.backward(dw))
        backwardItemTower(retrievalItemTower.backward(dv), itemIn)
        return loss / Double(b)
    }

    /// Each item's column among a batch's candidates, for finding the targets' columns: an array
    /// indexed by item rather than a dictionary (hashing every candidate each step cost ~0.3 ms a
    /// step with 7 000 items, on every rank of a group).
    struct CandidateColumns {
        private let columns: [Int32]

        init(_ candidates: [Int]) {
            var columns = [Int32](repeating: -1, count: (candidates.max() ?? -1) + 1)
            for (c, item) in candidates.enumerated() { columns[item] = Int32(c) }
            self.columns = columns
        }

        /// The column of `item`, nil when it is not a candidate.
        subscript(item: Int) -> Int? {
            item < columns.count && columns[item] >= 0 ? Int(columns[item]) : nil
        }
    }

    /// How a column's logit follows from its dot product: scale · ⟨w, v⟩ + bias − log Q.
    struct Logits {
        let bias: Tensor
        let scale: Float
        let logQ: [Float]?

        @inline(__always)
        func callAsFunction(_ dot: Float, _ bias: UnsafeBufferPointer<Float>, column j: Int) -> Float {
            scale * dot + bias[j] - (logQ?[j] ?? 0)
        }

        /// Writes exp(logit_j − max) of one row's `n` columns to `out`; returns the max and the sum
        /// of the exponentials (−∞ and 0, with zeros written, when every logit is −∞).
        @inline(__always)
        func exponentials(_ dot: UnsafePointer<Float>, _ bias: UnsafeBufferPointer<Float>, _ n: Int,
                          into out: UnsafeMutablePointer<Float>) -> (top: Float, total: Float) {
            var top = -Float.infinity
            for j in 0..<n {
                out[j] = self(dot[j], bias, column: j)
                top = max(top, out[j])
            }
            guard top > -.infinity else {
                out.update(repeating: 0, count: n)
                return (top, 0)
            }
            var total: Float = 0
            for j in 0..<n {
                out[j] = exp(out[j] - top)
                total += out[j]
            }
            return (top, total)
        }
    }

    /// The softmax cross-entropy of each user row over the candidates (`dots`: ⟨w, v⟩): its summed
    /// loss and dL/dscale, and dL/dlogits scaled by `k` (the mean over users times the objective's
    /// weight) in `gradient`, resized to (b, n) and overwritten. One pass per row over unsafe
    /// buffers: the hot loop of ranking training.
    static func softmaxLoss(_ dots: Tensor, _ logits: Logits, batch: RankingBatch,
                            weight k: Float, gradient: inout Tensor) -> (loss: Double, dScale: Float) {
        let b = dots.shape[0], n = dots.shape[1]
        let column = CandidateColumns(batch.candidates)
        var loss = 0.0
        gradient.resize(to: [b, n])
        var dScale: Float = 0
        var targets: [(column: Int, y: Float)] = []
        dots.withUnsafeBufferPointer { s in
            logits.bias.withUnsafeBufferPointer { c in
                gradient.withUnsafeMutableBufferPointer { g in
                    for r in 0..<b {
                        // The gradient's row holds the logits, then their exponentials, then dL/dlogits.
                        let dot = s.baseAddress! + r * n, grad = g.baseAddress! + r * n
                        let (top, total) = logits.exponentials(dot, c, n, into: grad)
                        let inverse = 1 / total
                        let ds = rowGradient(r, batch: batch, columns: column, part: 0..<n, logZ: top + log(total), dot: dot,
                                             grad: grad, bias: c, logits: logits, weight: k, loss: &loss, targets: &targets) { (inverse, $0) }
                        dScale += k * ds
                    }
                }
            }
        }
        return (loss, dScale)
    }

    /// One row of the softmax cross-entropy once its normaliser log Z is known, for the one-process
    /// and the split step: the row's targets (their weights add up to `mass` over every candidate;
    /// those among the columns `part` add their loss to `loss`), then dL/dlogit_j = k · (grad_j · a · b
    /// − y_j) over `part`, written over `grad`, which holds exp(logit_j − max) on entry; `factors(mass)`
    /// gives (a, b) with grad_j · a · b = softmax_j · mass (each caller keeps its own rounding).
    /// Returns the row's dL/dscale before the factor k.
    @inline(__always)
    static func rowGradient(_ r: Int, batch: RankingBatch, columns: CandidateColumns, part: Range<Int>, logZ: Float,
                            dot: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>, bias: UnsafeBufferPointer<Float>,
                            logits: Logits, weight k: Float, loss: inout Double, targets: inout [(column: Int, y: Float)],
                            factors: (_ mass: Float) -> (Float, Float)) -> Float {
        var mass: Float = 0, ds: Float = 0
        targets.removeAll(keepingCapacity: true)
        for t in batch.targets.range(r) {
            guard let j = columns[batch.targets.indices[t]] else { continue }
            let y = batch.targets.weights?[t] ?? 1
            mass += y  // over every candidate: the softmax's share of each column
            guard part.contains(j) else { continue }
            let local = j - part.lowerBound
            loss += Double(y * (logZ - logits(dot[local], bias, column: local)))
            ds -= y * dot[local]
            targets.append((local, y))
        }
        // dL/ds_uj = (mass · softmax_j − y_uj) / B: every column written, then the targets'.
        let (a, b) = factors(mass)
        for j in 0..<part.count {
            let q = grad[j] * a * b
            ds += q * dot[j]
            grad[j] = k * q
        }
        for (j, y) in targets { grad[j] -= k * y }
        return ds
    }

    /// Ranking scores s_ui of every item for each user row of `userVectors` (`Scorer.rankingScores`).
    public func rankingScores(userVectors w: Tensor, itemVectors v: Tensor) -> Tensor {
        scorer().rankingScores(userVectors: w, itemVectors: v)
    }
}
