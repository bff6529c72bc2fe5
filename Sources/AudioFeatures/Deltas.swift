import TensorCore

/// Local derivative of features over time, as `librosa.feature.delta(data, width, order)`.
///
/// A Savitzky–Golay filter of polynomial order = derivative order = `order` over `width` frames
/// (scipy `savgol_filter(mode="interp")`). For a frame t at least width/2 from either end:
/// Δ_t = Σⱼ h_j · x_{t+j}, h the least-squares derivative weights (order 1: j / Σj²).
/// Near the ends `interp` fits one polynomial to the first (last) `width` frames; because its
/// degree equals the derivative order the derivative is constant there, so those frames take the
/// value of frame width/2 (T−1−width/2). Input and output (frames, features).
/// Departure from librosa, which raises when frames < width: the width shrinks to the largest odd
/// number ≤ frames, and with fewer than 3 frames the deltas are zero.
public enum Deltas {
    public static func compute(_ features: Tensor, width: Int = 9, order: Int = 1) -> Tensor {
        precondition(features.rank == 2, "Deltas: features must be (frames, dims), got \(features.shape)")
        precondition(order >= 1 && width >= 3 && width % 2 == 1, "Deltas: order \(order) ≥ 1, width \(width) odd ≥ 3")
        let (frames, dims) = (features.shape[0], features.shape[1])
        var out = Tensor(shape: [frames, dims])
        let w = Swift.min(width, frames % 2 == 1 ? frames : frames - 1)
        if w < 3 || w <= order { return out }
        let half = w / 2
        let h = savitzkyGolayDerivative(width: w, order: order).map(Float.init)
        features.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                for t in half..<(frames - half) {
                    for d in 0..<dims {
                        var s: Float = 0
                        for j in 0..<w { s += h[j] * x[(t - half + j) * dims + d] }
                        y[t * dims + d] = s
                    }
                }
                for t in 0..<half {
                    for d in 0..<dims {
                        y[t * dims + d] = y[half * dims + d]
                        y[(frames - 1 - t) * dims + d] = y[(frames - 1 - half) * dims + d]
                    }
                }
            }
        }
        return out
    }

    /// Weights h_j (j = 0…width−1, centred) giving the `order`-th derivative at the centre of the
    /// least-squares polynomial of degree `order`: order! · row `order` of (AᵀA)⁻¹Aᵀ, A_jp = (j − half)^p.
    static func savitzkyGolayDerivative(width: Int, order: Int) -> [Double] {
        let half = width / 2, p = order + 1
        var ata = [Double](repeating: 0, count: p * p)
        for j in -half...half {
            for r in 0..<p { for c in 0..<p { ata[r * p + c] += pow(Double(j), r + c) } }
        }
        // Solve (AᵀA) z = e_order by Gauss–Jordan; then h_j = order! · Σ_q z_q · j^q.
        var rhs = [Double](repeating: 0, count: p)
        rhs[order] = 1
        for col in 0..<p {
            let pivot = (col..<p).max { abs(ata[$0 * p + col]) < abs(ata[$1 * p + col]) }!
            if pivot != col {
                for c in 0..<p { ata.swapAt(col * p + c, pivot * p + c) }
                rhs.swapAt(col, pivot)
            }
            let d = ata[col * p + col]
            for c in 0..<p { ata[col * p + c] /= d }
            rhs[col] /= d
            for r in 0..<p where r != col {
                let f = ata[r * p + col]
                for c in 0..<p { ata[r * p + c] -= f * ata[col * p + c] }
                rhs[r] -= f * rhs[col]
            }
        }
        let factorial = Double((1...order).reduce(1, *))
        return (-half...half).map { j in factorial * (0..<p).reduce(0.0) { $0 + rhs[$1] * pow(Double(j), $1) } }
    }

    private static func pow(_ x: Double, _ n: Int) -> Double { n == 0 ? 1 : (1...n).reduce(1.0) { acc, _ in acc * x } }
}
