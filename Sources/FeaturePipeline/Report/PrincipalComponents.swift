import Foundation
import TensorCore

/// Principal component analysis for a few dozen dimensions (the item embeddings, d ≤ 64).
///
/// Columns are centred, the covariance C = XcᵀXc / (n − 1) (d × d) comes from one sgemm, and its
/// eigenpairs from LAPACK's `dsyevd` in Double (OpenBLAS ships it). No random start, so the
/// result is the same on every run. Sign convention, as scikit-learn ≥ 1.5 (`svd_flip` with
/// `u_based_decision=False`): the entry of largest magnitude of each component is positive.
public struct PrincipalComponents: Sendable {
    /// Column means of the fitted data, d values.
    public let mean: [Double]
    /// Principal axes, one row of d values per component, by decreasing variance.
    public let components: [[Double]]
    /// Variance along each component (eigenvalues of the covariance).
    public let explainedVariance: [Double]
    /// `explainedVariance` over the total variance of the data.
    public let explainedVarianceRatio: [Double]

    /// Fits `count` components to the rows of `data` (n, d).
    public init(fitting data: Tensor, count: Int) {
        precondition(data.rank == 2, "PCA needs a matrix, got shape \(data.shape)")
        let n = data.shape[0], d = data.shape[1]
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += Double(data.storage[r * d + j]) } }
        mean = mean.map { $0 / Double(max(n, 1)) }
        let centred = Self.centre(data, mean: mean)
        var covariance = [Float](repeating: 0, count: d * d)
        centred.storage.withUnsafeBufferPointer { x in
            covariance.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(transA: true, transB: false, m: d, n: d, k: n, alpha: 1 / Float(max(n - 1, 1)),
                          a: x.baseAddress!, lda: d, b: x.baseAddress!, ldb: d, c: c.baseAddress!, ldc: d)
            }
        }
        // dsyevd converges on every symmetric matrix in practice; a failure leaves no axes to draw.
        let (values, vectors) = LAPACK.symmetricEigen(covariance.map(Double.init), n: d) ?? ([], [])
        let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        let kept = order.prefix(min(count, d))
        let total = values.reduce(0) { $0 + max($1, 0) }
        self.mean = mean
        components = kept.map { k in
            let axis = Array(vectors[(k * d)..<(k * d + d)])
            let largest = axis.indices.max { abs(axis[$0]) < abs(axis[$1]) || (abs(axis[$0]) == abs(axis[$1]) && $0 > $1) }
            return (largest.map { axis[$0] < 0 } ?? false) ? axis.map { -$0 } : axis
        }
        explainedVariance = kept.map { max(values[$0], 0) }
        explainedVarianceRatio = explainedVariance.map { total > 0 ? $0 / total : 0 }
    }

    /// The rows of `data` (n, d) in component coordinates: (n, components).
    public func project(_ data: Tensor) -> Tensor {
        let n = data.shape[0], d = data.shape[1], k = components.count
        precondition(d == mean.count, "projecting width \(d) with a PCA fitted on width \(mean.count)")
        var out = Tensor(shape: [n, k])
        for r in 0..<n {
            for c in 0..<k {
                var sum = 0.0
                for j in 0..<d { sum += (Double(data.storage[r * d + j]) - mean[j]) * components[c][j] }
                out.storage[r * k + c] = Float(sum)
            }
        }
        return out
    }

    static func centre(_ data: Tensor, mean: [Double]) -> Tensor {
        var out = data
        let d = mean.count
        for i in out.storage.indices { out.storage[i] = Float(Double(out.storage[i]) - mean[i % d]) }
        return out
    }
}
