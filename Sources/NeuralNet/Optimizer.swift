import TensorCore

/// Updates parameters in place from the gradients accumulated in them.
///
/// Usage per batch: `zeroGrad()`, forward, loss, backward, (optionally `clipGradientNorm`), `step()`.
/// Row-sparse parameters are updated lazily: only the rows touched since the last `zeroGrad()`
/// change, and only their optimizer state moves (see each optimizer for the exact arithmetic).
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    /// The step size of the next `step()`; schedules set it between steps.
    var learningRate: Float { get set }
    /// One update from the current gradients. Gradients are left as they are.
    func step()
    /// `step()` then `zeroGrad()`; an optimizer may clear each gradient span as its update reads it
    /// (one pass over a batch's touched rows instead of two).
    func stepThenZeroGrad()
    /// Everything the optimizer carries between steps (moments, momentum buffers, step counts),
    /// keyed by parameter name, so that a checkpoint can resume training bit-exactly.
    func state() -> OptimizerState
    /// Restores `state()`; keys and shapes must be those `state()` returns (`Checkpoint` checks them).
    func restore(_ state: OptimizerState)
}

extension Optimizer {
    /// Clears every parameter's gradient (only the touched rows of row-sparse ones).
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    public func stepThenZeroGrad() {
        step()
        zeroGrad()
    }
}

/// An optimizer's state: tensors (e.g. "user.weight.exp_avg") and integer counters (e.g. "user.weight.step").
public struct OptimizerState: Sendable, Equatable {
    public var tensors: [String: Tensor]
    public var counters: [String: Int]

    public init(tensors: [String: Tensor] = [:], counters: [String: Int] = [:]) {
        self.tensors = tensors
        self.counters = counters
    }
}

extension Parameter {
    /// Calls `body(start, length)` for each span of `value` an optimizer step must update: the whole
    /// tensor for a dense parameter, each touched row (in first-touch order) for a row-sparse one.
    /// `inRowOrder`: the runs of consecutive rows `forEachTouchedRunStreaming` gives, for updates
    /// element by element (not for sums, whose bits depend on the order).
    func forEachUpdatedSpan(inRowOrder: Bool = false, _ body: (Int, Int) -> Void) {
        if isRowSparse {
            let width = rowWidth
            if inRowOrder {
                forEachTouchedRunStreaming { body($0.lowerBound * width, $0.count * width) }
            } else {
                for r in touchedRows { body(r * width, width) }
            }
        } else {
            body(0, elementCount)
        }
    }

    /// Whether a step has anything to do: nothing while `isIdle`; otherwise always for dense
    /// parameters, only with touched rows for row-sparse ones (as PyTorch skips a sparse gradient
    /// with no entries).
    var hasUpdate: Bool { !isIdle && (!isRowSparse || !touchedRows.isEmpty) }

    /// Runs `body` with raw pointers to value and gradient (both `value.count` long).
    func withValueAndGradient(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        grad.withUnsafeMutableBufferPointer { g in
            value.withUnsafeMutableBufferPointer { p in
                guard let pp = p.baseAddress, let gp = g.baseAddress else { return }
                body(pp, gp)
            }
        }
    }
}
