import Foundation
import NeuralNet
import TensorCore

/// A ranking step shared by the members of a training group, split by candidates.
///
/// Member r of N takes the r-th of N contiguous parts of the candidates: it runs the item tower
/// (and its encoders) over them alone, computes every user's logits for them, and the softmax's
/// gradient for them. The user tower runs on every member for the whole batch (a few hundred
/// rows). The only exchanges are each row's partial normaliser (max and sum of exponentials over
/// the member's columns, combined in rank order into log Z) and the users' gradient dL/dw, summed
/// across the group. Every member then backpropagates every user, so the user side's gradients
/// (tower, history table, fields) are already the whole batch's on each, and marked
/// `isSummedInGroup` for the exchange to leave out: that costs a few hundred rows of backward and
/// saves sending the history rows of every user each step; of the history table (its rows split
/// among owners) each member writes only its own rows. The item side's gradients are the
/// member's own columns', summed by the exchange. Against cutting the batch by users, no member computes
/// anything over every candidate: products over the candidates (the costly part of a step, the
/// catalog × batch gradient above all) are split, not just their inner dimension.
extension FusionModel {
    /// The batch's mean loss per user is the sum of the members' returns. `weight` is the
    /// objective's weight (not scaled by a share).
    @discardableResult
    public func rankingStep(_ batch: RankingBatch, splitAmong group: any Collectives, historyKeep: Float, weight: Float,
                            rng: inout SeededGenerator) -> Double {
        guard !batch.users.isEmpty, !batch.candidates.isEmpty else { return 0 }
        let itemMasks = drawItemMasks(batch.candidates, rng: &rng)
        let userMasks = drawUserMasks(users: batch.users, leaveOut: nil, keep: historyKeep, rng: &rng)
        let b = batch.users.count, n = batch.candidates.count
        let columns = group.contiguousPart(of: n)
        let mine = Array(columns)
        let itemIn = itemInputs(mine.map { batch.candidates[$0] }, mode: .training, masks: itemMasks.subset(mine))
        let v = retrievalItemTower.forward(itemIn.x)  // (columns, d)
        let userIn = userInputs(users: batch.users, targets: nil, mode: .training, withoutIds: true, masks: userMasks)
        let w = retrievalUserTower.forward(userIn.x)  // (b, d)
        let bias = rankingBias.forward(itemIn.idRows)  // (columns, 1)
        let scale = rankingScale.value.storage[0]
        // The workspace's (b, columns) matrices: ⟨w, v⟩, then dL/dlogits becoming dL/d⟨w, v⟩.
        matmul(w, v, transposeB: true, into: &rankingWorkspace.dots)
        let logits = Logits(bias: bias, scale: scale, logQ: batch.logQ.map { Array($0[columns]) })
        let (loss, dScale) = Self.softmaxLoss(part: columns, dots: rankingWorkspace.dots, logits: logits, group: group, batch: batch,
                                              weight: weight / Float(b), gradient: &rankingWorkspace.gradient)
        rankingScale.grad.storage[0] += dScale
        rankingBias.backward(rankingWorkspace.gradient.sumRows().reshaped([columns.count, 1]))
        rankingWorkspace.gradient.scale(by: scale)
        var dw = matmul(rankingWorkspace.gradient, v)  // (b, d): this member's columns' part
        group.allReduceSum(&dw.storage)
        let dv = matmul(rankingWorkspace.gradient, w, transposeA: true)  // (columns, d)
        // dw now holds every user's whole gradient on every member: each backpropagates the whole
        // batch's users and gets the user side's summed gradients itself, the same bits on each.
        backwardUserTower(retrievalUserTower.backward(dw), ownedHistoryRows: true)
        for p in userSideParameters { p.isSummedInGroup = true }
        backwardItemTower(retrievalItemTower.backward(dv), itemIn)
        return loss / Double(b)
    }

    /// Each row's log Σ_j exp(logit_uj) over every member's columns: each member's max and sum of
    /// exponentials, gathered and combined in rank order (the same bits on every member). Also
    /// returns this member's maxima, and writes exp(logit − max) of its columns to `exps`, which
    /// the softmax's gradient reuses (one exponential per logit, not two).
    static func logNormalizers(_ dots: Tensor, _ logits: Logits, group: any Collectives,
                               exps: inout Tensor) -> (logZ: [Float], top: [Float]) {
        let b = dots.shape[0], n = dots.shape[1]
        exps.resize(to: [b, n])
        // Member m's partials from 2·b·m, per row its max, then Σ exp(p − max); this member's written here.
        var all = [Float](repeating: 0, count: 2 * b * group.size)
        let mine = 2 * b * group.rank
        dots.withUnsafeBufferPointer { s in
            logits.bias.withUnsafeBufferPointer { c in
                exps.withUnsafeMutableBufferPointer { e in
                    for r in 0..<b {
                        let (top, total) = logits.exponentials(s.baseAddress! + r * n, c, n, into: e.baseAddress! + r * n)
                        all[mine + 2 * r] = top
                        all[mine + 2 * r + 1] = total
                    }
                }
            }
        }
        group.allGatherParts(&all)  // equal parts, 2·b each
        let members = (0..<group.size).map { 2 * b * $0 }
        let logZ = (0..<b).map { r in
            let top = members.reduce(-Float.infinity) { max($0, all[$1 + 2 * r]) }
            let total = members.reduce(Float(0)) { all[$1 + 2 * r] > -.infinity ? $0 + all[$1 + 2 * r + 1] * exp(all[$1 + 2 * r] - top) : $0 }
            return top + log(total)
        }
        return (logZ, (0..<b).map { all[mine + 2 * $0] })
    }

    /// `softmaxLoss` restricted to the candidates `part`, its normalisers over all of them from the
    /// group: this member's share of the summed loss and of dL/dscale, and dL/dlogits of its
    /// columns scaled by `k` in `gradient` (resized to (b, part.count) and overwritten).
    static func softmaxLoss(part: Range<Int>, dots: Tensor, logits: Logits, group: any Collectives, batch: RankingBatch,
                            weight k: Float, gradient: inout Tensor) -> (loss: Double, dScale: Float) {
        let b = dots.shape[0], n = part.count
        // The gradient starts as exp(logit − this member's row max) and becomes dL/dlogits in place.
        let (logZ, top) = logNormalizers(dots, logits, group: group, exps: &gradient)
        let column = CandidateColumns(batch.candidates)
        var loss = 0.0, dScale: Float = 0
        var targets: [(column: Int, y: Float)] = []
        dots.withUnsafeBufferPointer { s in
            logits.bias.withUnsafeBufferPointer { c in
                gradient.withUnsafeMutableBufferPointer { g in
                    for r in 0..<b {
                        let dot = s.baseAddress! + r * n, grad = g.baseAddress! + r * n
                        // softmax_j · mass = exp(logit_j − max) · exp(max − log Z) · mass.
                        let ds = rowGradient(r, batch: batch, columns: column, part: part, logZ: logZ[r], dot: dot, grad: grad,
                                             bias: c, logits: logits, weight: k, loss: &loss, targets: &targets) { mass in
                            (top[r] > -.infinity ? exp(top[r] - logZ[r]) * mass : 0, 1)
                        }
                        dScale += k * ds
                    }
                }
            }
        }
        return (loss, dScale)
    }
}
