import Testing
import TensorCore

@Suite struct MatmulTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 1, 5), (2, 130, 65)])
    func cblasAgreesWithNaiveForEveryTransposition(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        var rng = SeededGenerator(seed: UInt64(m * 1000 + k * 10 + n))
        for (tA, tB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Tensor.normal(shape: tA ? [k, m] : [m, k], using: &rng)
            let b = Tensor.normal(shape: tB ? [n, k] : [k, n], using: &rng)
            let fast = matmul(a, b, transposeA: tA, transposeB: tB)
            let slow = matmulNaive(a, b, transposeA: tA, transposeB: tB)
            #expect(fast.shape == [m, n])
            #expect(fast.maxAbsDifference(slow) < 1e-4 * Float(k), "tA=\(tA) tB=\(tB)")
        }
    }

    @Test(arguments: [(1, 1), (7, 3), (1000, 32), (5, 0)])
    func matvecAgreesWithNaive(shape: (Int, Int)) {
        let (m, k) = shape
        var rng = SeededGenerator(seed: UInt64(m + k))
        let a = Tensor.normal(shape: [m, k], using: &rng), x = Tensor.normal(shape: [1, k], using: &rng)
        let fast = matvec(a, x)
        let slow = matmulNaive(x, a, transposeB: true)
        #expect(fast.shape == [m])
        #expect(fast.storage.count == slow.storage.count)
        #expect(zip(fast.storage, slow.storage).allSatisfy { abs($0 - $1) <= 1e-4 * Float(max(k, 1)) })
    }

    /// A workspace reused for products of changing shapes: every element is overwritten (the NaNs
    /// left from before never leak), the result is the bits of a fresh `matmul`, and the allocation
    /// is kept when the product shrinks and grows back.
    @Test func matmulIntoAWorkspaceOverwritesAndKeepsItsAllocation() {
        var rng = SeededGenerator(seed: 11)
        var workspace = Tensor(shape: [40, 50], repeating: .nan)
        let address = workspace.storage.withUnsafeBufferPointer { $0.baseAddress }
        for (m, k, n, tB) in [(40, 8, 50, false), (7, 3, 9, true), (40, 8, 50, true), (2, 0, 3, false)] {
            workspace.storage.withUnsafeMutableBufferPointer { $0.update(repeating: .nan) }
            let a = Tensor.normal(shape: [m, k], using: &rng), b = Tensor.normal(shape: tB ? [n, k] : [k, n], using: &rng)
            matmul(a, b, transposeB: tB, into: &workspace)
            #expect(workspace.shape == [m, n])
            #expect(workspace.storage == matmul(a, b, transposeB: tB).storage, "(\(m), \(k), \(n))")
            #expect(workspace.storage.withUnsafeBufferPointer { $0.baseAddress } == address, "(\(m), \(k), \(n)) reallocated")
        }
    }

    @Test func knownProduct() {
        let a = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], storage: [7, 8, 9, 10, 11, 12])
        #expect(matmul(a, b).storage == [58, 64, 139, 154])
        #expect(matmul(a, a, transposeB: true).storage == [14, 32, 32, 77])
    }

    @Test func gemmAccumulatesWithBeta() {
        var rng = SeededGenerator(seed: 3)
        let a = Tensor.normal(shape: [4, 6], using: &rng), b = Tensor.normal(shape: [6, 5], using: &rng)
        let c0 = Tensor.normal(shape: [4, 5], using: &rng)
        var fast = c0, slow = c0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                fast.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(transA: false, transB: false, m: 4, n: 5, k: 6, alpha: 0.5, a: pa.baseAddress!, lda: 6,
                              b: pb.baseAddress!, ldb: 5, beta: 2, c: pc.baseAddress!, ldc: 5)
                }
                slow.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemmNaive(transA: false, transB: false, m: 4, n: 5, k: 6, alpha: 0.5, a: pa.baseAddress!, lda: 6,
                                   b: pb.baseAddress!, ldb: 5, beta: 2, c: pc.baseAddress!, ldc: 5)
                }
            }
        }
        #expect(fast.maxAbsDifference(slow) < 1e-4)
        #expect(fast.maxAbsDifference(c0 * 2) > 0.01, "the product must contribute")
    }
}
