import Foundation
import TensorCore

/// Adam (Kingma & Ba, 2015), with L2 or decoupled (AdamW) weight decay and lazy row-sparse updates.
///
/// Dense parameters follow `torch.optim.Adam` operation for operation (t counts this parameter's
/// steps, from 1; results agree with PyTorch to a few ulps):
///   g ← g + λ·θ                      (L2 weight decay, when λ > 0 and not decoupled)
///   θ ← θ·(1 − η·λ)                  (decoupled weight decay instead: AdamW, PyTorch's
///                                      `decoupled_weight_decay=True`)
///   m ← m + (1 − β₁)(g − m),  v ← β₂·v + (1 − β₂)·g²
///   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)      (bias correction of both moments)
///
/// Row-sparse parameters (embedding tables) follow `torch.optim.SparseAdam` likewise: a step touches
/// only the rows that received gradient since the last `zeroGrad()`; those rows' m, v and values
/// change, every other row's m, v and values stay as they are (their moments do not decay). t counts
/// the steps in which the table had at least one touched row (a step with none is skipped entirely,
/// as PyTorch skips an empty sparse gradient). The update of a touched row is
///   m ← m + (1 − β₁)(g − m),  v ← v + (1 − β₂)(g² − v)
///   θ ← θ − (η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)) · m / (√v + ε)
/// which differs from the dense form only in where ε sits (SparseAdam's choice). Weight decay,
/// which SparseAdam does not offer, is applied to the touched rows only, in the same two forms as
/// above: decaying untouched rows would cost the table size per step.
///
/// Bias-correction factors are computed in Double, as PyTorch computes them in Python floats.
///
/// In a training group, a table's `rowOwners` limits its update to those rows. The other touched
/// rows are left to their owners (`GradientExchange.shareUpdatedRows` brings their values): their
/// gradients are only cleared, unless known to be zero (`isZeroOutsideOwnedRows`), and this
/// member's moments of them fall behind until `gatherOwnedMoments`.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let betas: (Float, Float)
    public let eps: Float
    public let weightDecay: Float
    /// AdamW: decay the weights directly instead of adding λ·θ to the gradient.
    public let decoupledWeightDecay: Bool
    /// Steps taken per parameter (t in the formulas), in `parameters` order.
    public private(set) var steps: [Int]
    private var firstMoments: [Tensor]
    private var secondMoments: [Tensor]
    /// L2 penalties per parameter (in `parameters` order), used instead of `weightDecay`: each
    /// updated element's gradient becomes g + λ·θ inside the step. The same arithmetic as adding
    /// λ·θ to the touched gradient before `step()` (so the same bits), without a pass of its own
    /// over the rows (the trainer's embedding regularisation). Not with decoupled weight decay.
    public var penalties: [Float]? {
        didSet {
            precondition(penalties.map { $0.count == parameters.count && $0.allSatisfy { $0 >= 0 } } ?? true,
                         "Adam: one penalty ≥ 0 per parameter")
            precondition(penalties == nil || !decoupledWeightDecay, "Adam: penalties replace L2 weight decay, not AdamW's")
        }
    }

    public init(parameters: [Parameter], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        precondition(learningRate >= 0 && eps >= 0 && weightDecay >= 0, "Adam: learning rate, eps and weight decay must be ≥ 0")
        precondition((0..<1).contains(betas.0) && (0..<1).contains(betas.1), "Adam: betas must be in [0, 1), got \(betas)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        steps = [Int](repeating: 0, count: parameters.count)
        firstMoments = parameters.map { Tensor(shape: $0.value.shape) }
        secondMoments = firstMoments
    }

    public func step() {
        update(zeroingGradients: false)
    }

    /// Each gradient element is zeroed as soon as the update has read it: no second pass over the
    /// touched rows (after a ranking step, every item's) to clear them.
    public func stepThenZeroGrad() {
        update(zeroingGradients: true)
        zeroGrad()  // what no update read: idle parameters, and the dense ones (cheap) once more
    }

    private func update(zeroingGradients zeroing: Bool) {
        for (k, p) in parameters.enumerated() where p.hasUpdate {
            steps[k] += 1
            let t = Double(steps[k])
            let bias1 = 1 - pow(Double(betas.0), t), bias2 = 1 - pow(Double(betas.1), t)
            let lr = Double(learningRate)
            let h = Hyper(
                c1: 1 - betas.0, beta2: betas.1, c2: 1 - betas.1, eps: eps,
                l2: penalties?[k] ?? (decoupledWeightDecay ? 0 : weightDecay),
                shrink: decoupledWeightDecay ? Float(1 - lr * Double(weightDecay)) : 1,
                denseStep: Float(-(lr / bias1)), denseSqrtBias2: Float(bias2.squareRoot()),
                sparseStep: Float(-(lr * bias2.squareRoot() / bias1)))
            let owned = p.rowOwners.map { ($0.owned.lowerBound * p.rowWidth)..<($0.owned.upperBound * p.rowWidth) } ?? 0..<p.elementCount
            let clearsOthers = zeroing && !p.isZeroOutsideOwnedRows
            p.withValueAndGradient { theta, g in
                withMoments(k) { m, v in
                    p.forEachUpdatedSpan(inRowOrder: true) { start, length in
                        let mine = (start..<(start + length)).clamped(to: owned)
                        if clearsOthers && mine.count < length {  // the rest's owners update it
                            (g + start).update(repeating: 0, count: mine.isEmpty ? length : mine.lowerBound - start)
                            if !mine.isEmpty { (g + mine.upperBound).update(repeating: 0, count: start + length - mine.upperBound) }
                        }
                        guard !mine.isEmpty else { return }
                        if p.isRowSparse {
                            Adam.lazyRowUpdate(theta + mine.lowerBound, g + mine.lowerBound, m + mine.lowerBound, v + mine.lowerBound,
                                               mine.count, h, zeroing: zeroing)
                        } else {
                            Adam.denseUpdate(theta + start, g + start, m + start, v + start, length, h, zeroing: zeroing)
                        }
                    }
                }
            }
            if zeroing { p.forgetTouchedRows() }
        }
    }

    private func withMoments(_ k: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        firstMoments[k].withUnsafeMutableBufferPointer { m in
            secondMoments[k].withUnsafeMutableBufferPointer { v in body(m.baseAddress!, v.baseAddress!) }
        }
    }

    // v ≥ 0, so √|v| = √v; spelling it with `magnitude` lets LLVM see a non-negative argument and
    // emit a vector sqrt. A plain `squareRoot()` lowers to libm's sqrtf with its errno branch on
    // Linux, which keeps the loop scalar (measured: Adam.step was 41 % of a training step).

    /// Per-step constants of the update, as Float.
    struct Hyper {
        let c1, beta2, c2, eps, l2, shrink, denseStep, denseSqrtBias2, sparseStep: Float
    }

    /// torch.optim.Adam's single-tensor arithmetic, operation by operation.
    @inline(__always)
    static func denseUpdate(_ theta: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                            _ v: UnsafeMutablePointer<Float>, _ n: Int, _ h: Hyper,
                             zeroing: Bool) {
        for i in 0..<n {
            let p = theta[i] * h.shrink
            let grad = g[i] + h.l2 * p
            if zeroing { g[i] = 0 }
            let mi = m[i] + h.c1 * (grad - m[i])
            let vi = v[i] * h.beta2 + h.c2 * grad * grad
            m[i] = mi
            v[i] = vi
            theta[i] = p + h.denseStep * mi / (vi.magnitude.squareRoot() / h.denseSqrtBias2 + h.eps)
        }
    }

    /// torch.optim.SparseAdam's arithmetic for one touched row, operation by operation.
    @inline(__always)
    static func lazyRowUpdate(_ theta: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                              _ v: UnsafeMutablePointer<Float>, _ n: Int, _ h: Hyper,
                               zeroing: Bool) {
        for i in 0..<n {
            let p = theta[i] * h.shrink
            let grad = g[i] + h.l2 * p
            if zeroing { g[i] = 0 }
            let oldM = m[i], oldV = v[i]
            let mi = oldM + (grad - oldM) * h.c1
            let vi = oldV + (grad * grad - oldV) * h.c2
            m[i] = mi
            v[i] = vi
            theta[i] = p + h.sparseStep * (mi / (vi.magnitude.squareRoot() + h.eps))
        }
    }

    /// Gathers every member's rows of the tables' moments (`Parameter.rowOwners`), so that `state()`
    /// is the whole state on every member. A collective: every member calls it at the same point.
    public func gatherOwnedMoments(in group: any Collectives) {
        for (k, p) in parameters.enumerated() {
            guard let counts = p.rowOwners?.counts(width: p.rowWidth) else { continue }
            group.allGatherParts(&firstMoments[k].storage, counts: counts)
            group.allGatherParts(&secondMoments[k].storage, counts: counts)
        }
    }

    public func state() -> OptimizerState {
        var s = OptimizerState()
        for (k, p) in parameters.enumerated() {
            s.tensors["\(p.name).exp_avg"] = firstMoments[k]
            s.tensors["\(p.name).exp_avg_sq"] = secondMoments[k]
            s.counters["\(p.name).step"] = steps[k]
        }
        return s
    }

    public func restore(_ state: OptimizerState) {
        for (k, p) in parameters.enumerated() {
            guard let m = state.tensors["\(p.name).exp_avg"], let v = state.tensors["\(p.name).exp_avg_sq"],
                  let t = state.counters["\(p.name).step"], m.shape == p.value.shape, v.shape == p.value.shape
            else { preconditionFailure("Adam.restore: state for \(p.name) is missing or has the wrong shape") }
            firstMoments[k] = m
            secondMoments[k] = v
            steps[k] = t
        }
    }
}
