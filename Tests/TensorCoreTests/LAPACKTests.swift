import Foundation
import Testing
import TensorCore
import TestSupport

@Suite struct LAPACKTests {
    /// 70 crosses the 64-wide tiles of the triangle mirroring and OpenBLAS's blocking; 297, an
    /// odd order from 133 on, crashed OpenBLAS's Prescott kernels (see the next test).
    @Test(arguments: [1, 5, 70, 297])
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

    /// OpenBLAS picks its kernels by CPU as it loads, so the inverse runs again in a child test
    /// process told to take the Prescott kernels (`OPENBLAS_CORETYPE`), which OpenBLAS 0.3.21 takes
    /// on a CPU it does not recognise (a VM's "Intel Xeon Processor"): their strtri crashed on odd
    /// orders from 133 on in the lower-triangle case the inverse used to call, on one thread.
    @Test func inverseHoldsOnOpenBLASsPrescottKernels() throws {
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            #expect(BLAS.coreName.lowercased() == forced.lowercased(), "OpenBLAS took \(BLAS.coreName), not \(forced)")
            return
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--testing-library", "swift-testing", "--filter", "LAPACKTests/inverse"]
        // One BLAS thread, as the tool runs it: the threaded path did not crash.
        child.environment = ProcessInfo.processInfo.environment.merging(
            ["OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let result = try PipelineProcess.collect(child)
        let text = result.stdout + result.stderr
        #expect(child.terminationReason == .exit && result.status == 0
                && text.contains("inverseTimesMatrixIsIdentity") && text.contains("passed"), "\(text.suffix(3000))")
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

    /// Vᵀ Λ V (eigenvectors as rows) rebuilds the matrix, V is orthonormal and the values
    /// ascend, on a random symmetric 12 × 12 matrix.
    @Test func symmetricEigenpairsRebuildTheMatrix() throws {
        var rng = SeededGenerator(seed: 3)
        let d = 12
        var m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in i..<d { let v = Double(rng.nextNormal()); m[i * d + j] = v; m[j * d + i] = v } }
        let (values, v) = try #require(LAPACK.symmetricEigen(m, n: d))
        var worst = 0.0, worstOrtho = 0.0
        for i in 0..<d {
            for j in 0..<d {
                var sum = 0.0, dot = 0.0
                for k in 0..<d { sum += v[k * d + i] * values[k] * v[k * d + j]; dot += v[i * d + k] * v[j * d + k] }
                worst = max(worst, abs(sum - m[i * d + j]))
                worstOrtho = max(worstOrtho, abs(dot - (i == j ? 1 : 0)))
            }
        }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(worst < 1e-10, "reconstruction error \(worst)")
        #expect(worstOrtho < 1e-10, "orthogonality error \(worstOrtho)")
    }
}
