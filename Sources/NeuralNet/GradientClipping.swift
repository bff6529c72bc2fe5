import Foundation
import TensorCore

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`; returns the
/// norm before clipping.
///
///   total = √(Σₚ ‖gₚ‖²),   gₚ ← gₚ · min(1, maxNorm / (total + 1e-6))
/// as `torch.nn.utils.clip_grad_norm_(parameters, maxNorm)` (norm type 2). Row-sparse parameters
/// contribute and are scaled on their touched rows only (the others hold zeros). Departure from
/// PyTorch: a non-finite total leaves the gradients unchanged (PyTorch would turn them into zeros
/// or NaNs); the caller sees the returned value and can skip the step.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    var sumOfSquares = 0.0
    for p in parameters {
        p.grad.withUnsafeBufferPointer { g in
            p.forEachUpdatedSpan { start, length in
                for i in start..<(start + length) { sumOfSquares += Double(g[i]) * Double(g[i]) }
            }
        }
    }
    let total = sumOfSquares.squareRoot()
    guard total.isFinite else { return Float(total) }
    let coefficient = Float(min(1, Double(maxNorm) / (total + 1e-6)))
    for p in parameters {
        p.grad.withUnsafeMutableBufferPointer { g in
            p.forEachUpdatedSpan { start, length in
                for i in start..<(start + length) { g[i] *= coefficient }
            }
        }
    }
    return Float(total)
}
