/// Finite-difference gradient checks in Double.
///
/// Layers are checked in two steps: the Double reference's analytic gradient against central
/// differences here (tight, ~1e-8), then the fast Float layer against the reference (~1e-5).
public enum GradientCheck {
    /// Central-difference gradient of `f` at `x`: (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for each i.
    public static func numericGradient(of f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-5) -> [Double] {
        var point = x
        return x.indices.map { i in
            point[i] = x[i] + h
            let up = f(point)
            point[i] = x[i] - h
            let down = f(point)
            point[i] = x[i]
            return (up - down) / (2 * h)
        }
    }

    /// Largest |a − n| / max(1, |a|, |n|) over the components of analytic `a` and numeric `n`.
    public static func maxRelativeError(_ analytic: [Double], _ numeric: [Double]) -> Double {
        precondition(analytic.count == numeric.count, "gradient lengths differ: \(analytic.count) vs \(numeric.count)")
        var worst = 0.0
        for (a, n) in zip(analytic, numeric) { worst = max(worst, abs(a - n) / max(1, abs(a), abs(n))) }
        return worst
    }

    /// Σᵢ wᵢ·yᵢ: a scalar loss with a fixed random direction, so every output element is checked.
    public static func projectedLoss(_ y: [Double], weights w: [Double]) -> Double {
        precondition(y.count == w.count, "projection length \(w.count) does not match output \(y.count)")
        var s = 0.0
        for i in y.indices { s += y[i] * w[i] }
        return s
    }
}
