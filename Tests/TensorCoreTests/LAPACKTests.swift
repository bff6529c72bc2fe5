import Testing
import TensorCore

@Suite struct LAPACKTests {
    /// 70 crosses the 64-wide tiles of the triangle mirroring and OpenBLAS's blocking.
    @Test(arguments: [1, 5, 70])
    func inverseTimesMatrixIsIdentity(n: Int) throws {
        var rng = SeededGenerator(seed: UInt64(n), stream: "spd")
        let m = Tensor.normal(shape: [n, n], using: &rng)
        var a = matmul(m, m, transposeA: true)  // MᵀM + n·I: symmetric positive definite
        for i in 0..<n { a[i, i] += Float(n) }
        var inverse = a
        try inverse.withUnsafeMutableBufferPointer { try LAPACK.invertSymmetricPositiveDefinite($0.baseAddress!, n: n) }
        var identity = Tensor(shape: [n, n])
        for i in 0..<n { identity[i, i] = 1 }
        #expect(matmul(a, inverse).maxAbsDifference(identity) < 1e-4)
        #expect(matmul(inverse, a).maxAbsDifference(identity) < 1e-4)
        let symmetric = (0..<n).allSatisfy { i in (0..<n).allSatisfy { j in inverse[i, j] == inverse[j, i] } }
        #expect(symmetric, "both triangles filled")
    }

    @Test func indefiniteMatrixIsReportedWithItsMinor() {
        var a: [Float] = [1, 2, 0, 2, 1, 0, 0, 0, 1]  // leading 2 × 2 minor is 1 − 4 < 0
        #expect {
            try a.withUnsafeMutableBufferPointer { try LAPACK.invertSymmetricPositiveDefinite($0.baseAddress!, n: 3) }
        } throws: { error in
            (error as? LAPACK.NotPositiveDefinite)?.minor == 2 && "\(error)".contains("regularisation")
        }
    }

    @Test func singularMatrixIsReported() {
        var a: [Float] = [0, 0, 0, 0]
        #expect(throws: LAPACK.NotPositiveDefinite.self) {
            try a.withUnsafeMutableBufferPointer { try LAPACK.invertSymmetricPositiveDefinite($0.baseAddress!, n: 2) }
        }
    }
}
