import COpenBLAS

/// Matrix multiplication: `C = alpha · op(A) · op(B) + beta · C`, row-major.
///
/// `op(X)` is `X` or `Xᵀ`. Shapes: op(A) is (m, k), op(B) is (k, n), C is (m, n). The fast path is
/// OpenBLAS `cblas_sgemm`; `gemmNaive` is the reference it is tested against.
public enum BLAS {
    /// Threads OpenBLAS may use. The project parallelises across items instead, so callers set 1.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// Raw sgemm on pointers with explicit leading dimensions (row-major).
    @inlinable
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {  // sgemm's behaviour for k = 0 is only C = beta·C; do it explicitly.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Reference triple loop with the same contract as `gemm` (accumulates in Double).
    public static func gemmNaive(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(av) * Double(bv)
                }
                let prior = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(sum) + prior
            }
        }
    }
}

/// `op(a) · op(b)` for rank-2 tensors, through `cblas_sgemm`.
/// a: (m, k) or (k, m) when transposed; b: (k, n) or (n, k) when transposed → (m, n).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    matmulDispatch(a, b, transposeA, transposeB, naive: false)
}

/// `matmul` written into `c`, whose allocation is reused (`Tensor.resize`): a product of megabytes
/// made every training step is otherwise a fresh mapping each time, and on a machine without
/// transparent huge pages its page faults cost more than the product itself (docs/benchmarks.md).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false, into c: inout Tensor) {
    matmulDispatch(a, b, transposeA, transposeB, naive: false, into: &c)
}

/// The naive reference of `matmul`, for tests.
public func matmulNaive(
    _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
) -> Tensor {
    matmulDispatch(a, b, transposeA, transposeB, naive: true)
}

private func matmulDispatch(_ a: Tensor, _ b: Tensor, _ tA: Bool, _ tB: Bool, naive: Bool) -> Tensor {
    var c = Tensor(shape: [0, 0])
    matmulDispatch(a, b, tA, tB, naive: naive, into: &c)
    return c
}

private func matmulDispatch(_ a: Tensor, _ b: Tensor, _ tA: Bool, _ tB: Bool, naive: Bool, into c: inout Tensor) {
    precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
    let (m, k) = tA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = tB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(
        k == k2, "matmul inner dimensions differ: op(a) is (\(m), \(k)), op(b) is (\(k2), \(n))")
    c.resize(to: [m, n])
    let lda = a.shape[1], ldb = b.shape[1]
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                if naive {
                    BLAS.gemmNaive(
                        transA: tA, transB: tB, m: m, n: n, k: k, a: ap, lda: lda, b: bp, ldb: ldb, c: cp, ldc: n)
                } else {
                    BLAS.gemm(
                        transA: tA, transB: tB, m: m, n: n, k: k, a: ap, lda: lda, b: bp, ldb: ldb, c: cp, ldc: n)
                }
            }
        }
    }
}

/// `a · x` for a matrix `a` (m, k) and a vector `x` (k values, any shape), through
/// `cblas_sgemv` → (m). For one row against many, sgemm spends its time packing `a`; sgemv reads
/// it once (a user's scores over a 100 000-item catalog: 25× faster).
public func matvec(_ a: Tensor, _ x: Tensor) -> Tensor {
    precondition(a.rank == 2 && x.count == a.shape[1], "matvec needs (m, k) and k values, got \(a.shape) and \(x.shape)")
    let (m, k) = (a.shape[0], a.shape[1])
    var y = Tensor(shape: [m])
    guard m > 0 else { return y }
    a.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                if k == 0 { return }
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(k), 1, pa.baseAddress, Int32(k), px.baseAddress, 1, 0,
                            py.baseAddress, 1)
            }
        }
    }
    return y
}
