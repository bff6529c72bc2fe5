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
///
/// In a training group (every member holds the same values) each member updates only its part of
/// the averages (`contiguousPart` of all their elements, parameter after parameter), and
/// `synchronize()` gathers the parts when the averages are needed: the same bits as one process,
/// for a share of the memory traffic.
public final class WeightAverage {
    public let decay: Float
    public let averages: [Parameter]
    public private(set) var steps = 0
    let group: (any Collectives)?
    /// The averages' elements together (members' parts are of these).
    let elementCount: Int
    /// Whether only this member's part of the averages is current (since the last `synchronize()`).
    public private(set) var isPartial = false

    public init(parameters: [Parameter], decay: Float, group: (any Collectives)? = nil) {
        precondition(decay > 0 && decay < 1, "WeightAverage: decay must be in (0, 1), got \(decay)")
        self.decay = decay
        averages = parameters.map { Parameter(name: "ema.\($0.name)", value: $0.value) }
        elementCount = averages.elementCount
        self.group = group.flatMap { $0.size > 1 ? $0 : nil }
    }

    /// Folds the current values into the averages (call after each optimizer step; in a group,
    /// this member's part only).
    public func update(_ parameters: [Parameter]) {
        precondition(parameters.count == averages.count, "WeightAverage.update: \(parameters.count) parameters for \(averages.count) averages")
        let beta = min(decay, Float(1 + steps) / Float(10 + steps))
        let rate = 1 - beta
        let part = group?.contiguousPart(of: elementCount)
        var offset = 0
        for (p, a) in zip(parameters, averages) {
            let span = part.map { Self.span(of: $0, in: offset..<(offset + a.elementCount)) } ?? 0..<a.elementCount
            offset += a.elementCount
            guard !span.isEmpty else { continue }
            p.value.withUnsafeBufferPointer { v in
                a.value.withUnsafeMutableBufferPointer { m in
                    for j in span { m[j] += rate * (v[j] - m[j]) }
                }
            }
        }
        steps += 1
        isPartial = group != nil
    }

    /// The elements of `part` (of all averages' elements, one parameter after another) that fall in
    /// the parameter at `elements`, in the parameter's own indices.
    static func span(of part: Range<Int>, in elements: Range<Int>) -> Range<Int> {
        let lower = max(part.lowerBound, elements.lowerBound), upper = min(part.upperBound, elements.upperBound)
        return lower < upper ? (lower - elements.lowerBound)..<(upper - elements.lowerBound) : 0..<0
    }

    /// Gathers every member's part of the averages (a collective: every member calls it at the
    /// same point); nothing to do outside a group or when they are already whole.
    public func synchronize() {
        guard let group, isPartial else { return }
        var flat = [Float](repeating: 0, count: elementCount)
        averages.pack(\.value, into: &flat)
        group.allGatherParts(&flat)
        averages.unpack(\.value, from: flat)
        isPartial = false
    }

    /// Exchanges the parameters' values with the averages (twice restores them).
    public func swap(with parameters: [Parameter]) {
        precondition(!isPartial, "WeightAverage.swap: synchronize() the members' parts first")
        for (p, a) in zip(parameters, averages) {
            let v = p.value
            p.value = a.value
            a.value = v
        }
    }

    /// Restores the step count of a checkpoint (the averages load as parameters).
    public func restore(steps: Int) { self.steps = steps }
}
