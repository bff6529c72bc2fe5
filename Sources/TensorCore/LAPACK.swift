import COpenBLAS

/// The LAPACK routines OpenBLAS exports (Fortran symbols, declared in COpenBLAS/shim.h).
public enum LAPACK {
    /// Cholesky factorisation stopped: the leading minor of order `minor` is not positive.
    public struct NotPositiveDefinite: Error, CustomStringConvertible {
        public let order: Int
        public let minor: Int

        public var description: String {
            "the \(order)×\(order) matrix is not positive definite (its leading minor of order \(minor) is not "
                + "positive), so it has no Cholesky inverse; add a positive multiple of the identity (regularisation)"
        }
    }

    /// Replaces the symmetric positive definite n × n matrix at `a` (row-major, both triangles
    /// filled) by its inverse, both triangles filled: Cholesky (`spotrf`) then `spotri`.
    /// Throws `NotPositiveDefinite` when the factorisation fails; `a` then holds no inverse.
    public static func invertSymmetricPositiveDefinite(_ a: UnsafeMutablePointer<Float>, n: Int) throws(NotPositiveDefinite) {
        guard n > 0 else { return }
        precondition(n <= Int(Int32.max), "invertSymmetricPositiveDefinite: order \(n) exceeds LAPACK's 32-bit integers")
        // A symmetric row-major matrix is its own column-major transpose; Fortran's upper triangle
        // is our lower one. Upper, not lower: OpenBLAS 0.3.21's Prescott kernels (the ones it picks
        // on a CPU it does not recognise, such as a VM's "Intel Xeon Processor") crash in strtri's
        // lower case on odd orders from 133 on (docs/reliability.md).
        var uplo = CChar(UInt8(ascii: "U")), order = Int32(n), lda = Int32(n), info: Int32 = 0
        _ = spotrf_(&uplo, &order, a, &lda, &info)
        precondition(info >= 0, "spotrf_: illegal argument \(-info)")
        if info > 0 { throw NotPositiveDefinite(order: n, minor: Int(info)) }
        _ = spotri_(&uplo, &order, a, &lda, &info)
        precondition(info >= 0, "spotri_: illegal argument \(-info)")
        // spotri fails only on a zero diagonal of the factor, which spotrf has already excluded.
        if info > 0 { throw NotPositiveDefinite(order: n, minor: Int(info)) }
        mirrorLowerToUpper(a, n: n)
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric n × n matrix `a`
    /// (row-major, both triangles filled), by `dsyevd` (divide and conquer). Row k of `vectors`
    /// is the eigenvector of `values[k]`. Returns nil when the solver does not converge.
    public static func symmetricEigen(_ a: [Double], n: Int) -> (values: [Double], vectors: [Double])? {
        precondition(a.count == n * n, "symmetricEigen: \(a.count) values are not a \(n)×\(n) matrix")
        guard n > 0 else { return ([], []) }
        var matrix = a, values = [Double](repeating: 0, count: n)
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        var order = Int32(n), lda = Int32(n), info: Int32 = 0
        // Workspace query first (lwork = liwork = -1), then the solve.
        var workSize = 0.0, iworkSize: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        _ = dsyevd_(&jobz, &uplo, &order, &matrix, &lda, &values, &workSize, &lwork, &iworkSize, &liwork, &info)
        precondition(info == 0, "dsyevd_ workspace query: illegal argument \(-info)")
        lwork = Int32(workSize); liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        _ = dsyevd_(&jobz, &uplo, &order, &matrix, &lda, &values, &work, &lwork, &iwork, &liwork, &info)
        precondition(info >= 0, "dsyevd_: illegal argument \(-info)")
        // Column-major eigenvector columns are our rows.
        return info == 0 ? (values, matrix) : nil
    }

    /// a[i][j] = a[j][i] for j > i, in square tiles so the strided side stays in cache.
    static func mirrorLowerToUpper(_ a: UnsafeMutablePointer<Float>, n: Int) {
        let tile = 64
        for i0 in stride(from: 0, to: n, by: tile) {
            for j0 in stride(from: i0, to: n, by: tile) {
                for i in i0..<min(i0 + tile, n) {
                    for j in max(j0, i + 1)..<max(min(j0 + tile, n), i + 1) { a[i * n + j] = a[j * n + i] }
                }
            }
        }
    }
}
