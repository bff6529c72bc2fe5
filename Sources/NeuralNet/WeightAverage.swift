import TensorCore

/// An exponential moving average of parameter values (Polyak averaging; "model EMA"):
///
///   θ̄ ← θ̄ + (1 − β_t)(θ − θ̄),   β_t = min(β, (1 + t) / (10 + t))
///
/// after every optimizer step t. The ramp in β_t (TensorFlow's `ExponentialMovingAverage` with
/// `num_updates`) keeps the first averages from being dominated by the initial values. Evaluating
/// the averaged weights smooths the noise of the last steps, which matters when the optimum is
/// reached within a few epochs. The averages are themselves parameters (named "ema.<name>") so a
/// checkpoint saves and restores them with the rest.
public final class WeightAverage {
    public let decay: Float
    public let averages: [Parameter]
    public private(set) var steps = 0

    public init(parameters: [Parameter], decay: Float) {
        precondition(decay > 0 && decay < 1, "WeightAverage: decay must be in (0, 1), got \(decay)")
        self.decay = decay
        averages = parameters.map { Parameter(name: "ema.\($0.name)", value: $0.value) }
    }

    /// Folds the current values into the averages (call after each optimizer step).
    public func update(_ parameters: [Parameter]) {
        precondition(parameters.count == averages.count, "WeightAverage.update: \(parameters.count) parameters for \(averages.count) averages")
        let beta = min(decay, Float(1 + steps) / Float(10 + steps))
        let rate = 1 - beta
        for (p, a) in zip(parameters, averages) {
            p.value.withUnsafeBufferPointer { v in
                a.value.withUnsafeMutableBufferPointer { m in
                    for j in 0..<m.count { m[j] += rate * (v[j] - m[j]) }
                }
            }
        }
        steps += 1
    }

    /// Exchanges the parameters' values with the averages (twice restores them).
    public func swap(with parameters: [Parameter]) {
        for (p, a) in zip(parameters, averages) {
            let v = p.value
            p.value = a.value
            a.value = v
        }
    }

    /// Restores the step count of a checkpoint (the averages load as parameters).
    public func restore(steps: Int) { self.steps = steps }
}
