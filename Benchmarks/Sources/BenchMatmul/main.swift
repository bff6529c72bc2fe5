// Our matmul (TensorCore: allocates C, calls BLAS.gemm) against cblas_sgemm into a reused buffer,
// n × n × n, one thread, alternating call by call in one process so that both see the same load.
// Prints the median of each side over the rounds, in wall clock and in thread CPU time, and the ratio.
//
// Usage: BenchMatmul [--n 1024] [--rounds 41]
import BenchSupport
import Foundation
import RawBLAS
import TensorCore

/// (wall, thread CPU) seconds of `body`.
func timed(_ body: () -> Void) -> (Double, Double) {
    let cpu = threadCPUSeconds()
    let wall = ContinuousClock().measure(body)
    return (Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18, threadCPUSeconds() - cpu)
}

BLAS.setThreads(1)
let n = option("--n", default: 1024), rounds = option("--rounds", default: 41)
var rng = SeededGenerator(seed: 1)
let a = Tensor.normal(shape: [n, n], using: &rng), b = Tensor.normal(shape: [n, n], using: &rng)
var c = [Float](repeating: 0, count: n * n)
var ours: [(Double, Double)] = [], raw: [(Double, Double)] = []
var checksum: Float = 0
for r in 0..<(rounds + 2) {
    let o = timed { checksum += matmul(a, b).storage[r % n] }
    let w = timed {
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                            pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), 0, &c, Int32(n))
            }
        }
        checksum += c[r % n]
    }
    if r >= 2 { ours.append(o); raw.append(w) }  // two warm-up rounds
}
let flop = 2 * Double(n) * Double(n) * Double(n)
for (label, pick) in [("wall", { (x: (Double, Double)) in x.0 }), ("thread CPU", { (x: (Double, Double)) in x.1 })] {
    let mo = median(ours.map(pick)), mr = median(raw.map(pick))
    print(String(format: "sgemm %d (%@, median of %d): matmul %.2f ms %.1f GFLOP/s | cblas_sgemm %.2f ms %.1f GFLOP/s | matmul / cblas %.1f %%",
                 n, label, rounds, mo * 1e3, flop / mo / 1e9, mr * 1e3, flop / mr / 1e9, 100 * mr / mo))
}
print(String(format: "(checksum %.3f)", checksum))
