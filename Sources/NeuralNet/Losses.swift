import Foundation
import TensorCore

/// Mean squared error and its gradient with respect to the predictions.
///
/// Shapes: predictions and targets (N, …) of equal shape; optional per-sample weights (N), broadcast
/// over the other axes. With M = number of elements:
///   L = (1/M) Σ wₙ (pₙ − tₙ)²,   dL/dpₙ = (2/M) wₙ (pₙ − tₙ)   (wₙ = 1 without weights).
/// Without weights this is `torch.nn.functional.mse_loss(p, t)` (reduction "mean"); with weights it
/// is `(w * (p - t)**2).mean()`, i.e. the weights scale each sample's term and the mean still divides
/// by M (Keras' "sum_over_batch_size"), so weights of 1 give the unweighted loss.
/// The loss is accumulated in Double.
public func mseLoss(predictions: Tensor, targets: Tensor, weights: Tensor? = nil) -> (loss: Float, gradient: Tensor) {
    LossKernels.elementwise(predictions, targets, weights, name: "mseLoss") { p, t in
        let diff = p - t
        return (Double(diff) * Double(diff), 2 * diff)
    }
}

/// Binary cross-entropy on logits (sigmoid folded in, numerically stable), and its gradient.
///
/// Shapes as `mseLoss`; targets in [0, 1] (soft labels allowed). For logit x and target y:
///   ℓ = max(x, 0) − x·y + log(1 + e^(−|x|)),   dℓ/dx = σ(x) − y,
///   L = (1/M) Σ wₙ ℓₙ,   dL/dxₙ = wₙ (σ(xₙ) − yₙ) / M.
/// Same as `torch.nn.functional.binary_cross_entropy_with_logits(x, y, weight=w)` with reduction
/// "mean" and w shaped (N, 1, …). For implicit feedback (clicked / not clicked).
public func binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor, weights: Tensor? = nil)
    -> (loss: Float, gradient: Tensor)
{
    LossKernels.elementwise(logits, targets, weights, name: "binaryCrossEntropyWithLogits") { x, y in
        let xd = Double(x), yd = Double(y)
        let loss = max(xd, 0) - xd * yd + log1p(exp(-abs(xd)))
        let sigmoid = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
        return (loss, sigmoid - y)
    }
}

enum LossKernels {
    /// Runs a per-element (loss term, gradient term) function and applies weights and the mean.
    @inline(__always)
    static func elementwise(_ predictions: Tensor, _ targets: Tensor, _ weights: Tensor?, name: String,
                            _ term: (Float, Float) -> (Double, Float)) -> (loss: Float, gradient: Tensor) {
        precondition(predictions.shape == targets.shape,
                     "\(name): predictions \(predictions.shape) and targets \(targets.shape) differ")
        let m = predictions.count
        precondition(m > 0, "\(name): empty batch")
        let n = predictions.shape.first ?? 1
        precondition(weights == nil || weights!.count == n,
                     "\(name): \(weights!.count) weights for \(n) samples (shape \(predictions.shape))")
        let perSample = m / n
        let invCount = 1 / Float(m)
        var gradient = Tensor(shape: predictions.shape)
        var total = 0.0
        predictions.withUnsafeBufferPointer { p in
            targets.withUnsafeBufferPointer { t in
                (weights?.storage ?? []).withUnsafeBufferPointer { w in
                    gradient.withUnsafeMutableBufferPointer { g in
                        for i in 0..<m {
                            let (loss, grad) = term(p[i], t[i])
                            let weight: Float = w.isEmpty ? 1 : w[i / perSample]
                            total += Double(weight) * loss
                            g[i] = weight * grad * invCount
                        }
                    }
                }
            }
        }
        return (Float(total / Double(m)), gradient)
    }
}

/// Naive references of the losses in Double, for tests and gradient checks.
public enum LossReference {
    /// (1/M) Σ wₙ (pₙ − tₙ)² and its gradient; `weights` has one entry per element.
    public static func mse(predictions p: [Double], targets t: [Double], weights w: [Double]? = nil)
        -> (loss: Double, gradient: [Double])
    {
        let m = Double(p.count)
        let weight = { (i: Int) in w?[i] ?? 1 }
        let loss = p.indices.reduce(0.0) { $0 + weight($1) * (p[$1] - t[$1]) * (p[$1] - t[$1]) } / m
        return (loss, p.indices.map { 2 * weight($0) * (p[$0] - t[$0]) / m })
    }

    /// −(1/M) Σ wₙ [yₙ log σ(xₙ) + (1 − yₙ) log(1 − σ(xₙ))], written naively, and its gradient.
    public static func binaryCrossEntropyWithLogits(logits x: [Double], targets y: [Double], weights w: [Double]? = nil)
        -> (loss: Double, gradient: [Double])
    {
        let m = Double(x.count)
        let weight = { (i: Int) in w?[i] ?? 1 }
        let sigmoid = { (v: Double) in 1 / (1 + exp(-v)) }
        let loss = x.indices.reduce(0.0) { s, i in
            s - weight(i) * (y[i] * log(sigmoid(x[i])) + (1 - y[i]) * log(1 - sigmoid(x[i])))
        } / m
        return (loss, x.indices.map { weight($0) * (sigmoid(x[$0]) - y[$0]) / m })
    }
}
