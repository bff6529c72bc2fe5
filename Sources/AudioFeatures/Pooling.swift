import Foundation
import TensorCore

/// Statistics of each feature over time, concatenated into one fixed-size vector.
///
/// Input (frames, dims) → output (statistics.count · dims), one block of `dims` per statistic in
/// the given order. mean; std (population, ddof 0, as np.std); min; max; pNN (numpy's default
/// linear interpolation: sorted x at position q/100·(T−1)). Sums run in Double.
public enum Pooling {
    public static func pool(_ features: Tensor, statistics: [PoolingStatistic]) -> [Float] {
        precondition(features.rank == 2 && features.shape[0] > 0,
                     "Pooling: features must be (frames ≥ 1, dims), got \(features.shape)")
        let (frames, dims) = (features.shape[0], features.shape[1])
        var out = [Float](repeating: 0, count: statistics.count * dims)
        var column = [Float](repeating: 0, count: frames)
        var sorted: [Float] = []
        features.withUnsafeBufferPointer { x in
            for d in 0..<dims {
                for t in 0..<frames { column[t] = x[t * dims + d] }
                sorted.removeAll(keepingCapacity: true)
                for (s, statistic) in statistics.enumerated() {
                    out[s * dims + d] = value(of: statistic, column, sorted: &sorted)
                }
            }
        }
        return out
    }

    private static func value(of statistic: PoolingStatistic, _ x: [Float], sorted: inout [Float]) -> Float {
        switch statistic {
        case .mean:
            return Float(x.reduce(0.0) { $0 + Double($1) } / Double(x.count))
        case .std:
            let mean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
            let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(x.count)
            return Float(variance.squareRoot())
        case .min:
            return x.min()!
        case .max:
            return x.max()!
        case .percentile(let q):
            if sorted.isEmpty { sorted = x.sorted() }
            let position = q / 100 * Double(sorted.count - 1)
            let lo = Int(position.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
            let frac = position - Double(lo)
            return Float(Double(sorted[lo]) + frac * (Double(sorted[hi]) - Double(sorted[lo])))
        }
    }
}
