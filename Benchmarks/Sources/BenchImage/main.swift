// Images/s for image files → 64-d vectors (decode + resize + conv stack), the Swift side of
// scripts/bench/image_peer.py. Usage (from Benchmarks/):
//   swift run -c release BenchImage DIR [--threads 1|2] [--repeat 5] [--batch 32] [--stage STAGE]
// Prints one line per repeat and a median. STAGE isolates a part: all (default), decode (read +
// decode + resize), memory (one file decoded from memory, as tjbench), conv (the stack alone),
// layers (per-layer times), convgemm (sgemm alone on the layers' shapes), sgemm (1024³).
import Dispatch
import BenchSupport
import Foundation
import ImageFeatures
import NeuralNet
import TensorCore

struct Arguments {
    var directory = ""
    var threads = 1
    var repeats = 5
    var batch = 32
    var stage = "all"

    init() {
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--threads": threads = Int(args.popFirst() ?? "") ?? 1
            case "--repeat": repeats = Int(args.popFirst() ?? "") ?? 5
            case "--batch": batch = Int(args.popFirst() ?? "") ?? 32
            case "--stage": stage = args.popFirst() ?? "all"
            default: directory = a
            }
        }
    }
}

/// A pointer that may cross into concurrentPerform's @Sendable closure; each worker writes its own slots.
struct SendablePointer<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T> }

let arguments = Arguments()
BLAS.setThreads(1)
let options = ImageOptions()   // 64×64, layers 16/32/64 with 3×3 kernels, pool 2, 2, GAP → 64-d
let preprocessor = ImagePreprocessor(options: options)
var rng = SeededGenerator(seed: 42, stream: "image")
let encoder = ConvStackEncoder(options: options, rng: &rng)
let frozenEncoder = encoder.frozen()  // what extraction's threads share

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// Runs `work(shard)` on `threads` workers over `count` items split into contiguous shards.
func parallel(_ count: Int, threads: Int, _ work: @Sendable (Range<Int>) -> Void) {
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        work((count * t / threads)..<(count * (t + 1) / threads))
    }
}

/// Items per second of `body` over `count` items, one figure per repeat, by the wall clock and
/// per CPU-second (items / CPU seconds of all threads).
func measure(_ label: String, count: Int, _ body: () -> Void) {
    var rates: [Double] = [], cpuRates: [Double] = []
    body()   // warm-up: page cache, allocator, BLAS buffers
    for r in 0..<arguments.repeats {
        let start = now(), cpuStart = cpuSeconds()
        body()
        rates.append(Double(count) / (now() - start))
        cpuRates.append(Double(count) / (cpuSeconds() - cpuStart))
        print(String(format: "%@ run %d: %.1f images/s, %.1f images per CPU-second", label, r + 1, rates.last!, cpuRates.last!))
    }
    print(String(format: "%@ median: %.1f images/s (threads %d); best %.1f; per CPU-second median %.1f",
                 label, median(rates), arguments.threads, rates.max()!, median(cpuRates)))
}

switch arguments.stage {
case "sgemm":
    let n = 1024
    var a = Tensor.normal(shape: [n, n], using: &rng), b = a
    a.scale(by: 1); b.scale(by: 1)
    var best = 0.0
    for _ in 0..<10 {
        let start = now()
        _ = matmul(a, b)
        best = max(best, 2 * Double(n * n * n) / (now() - start) / 1e9)
    }
    print(String(format: "sgemm %d: best %.1f GFLOP/s (1 BLAS thread)", n, best))
    let layers = options.layers, flops = ConvFlops.count(options: options)
    print(String(format: "conv stack: %.2f MFLOP per image (%d layers)", Double(flops) / 1e6, layers.count))
case "layers":
    // Time per image of each step of the stack at batch size `--batch`, single thread.
    var x = Tensor.normal(shape: [arguments.batch, 64, 64, 3], using: &rng)
    /// Best-of-20 seconds per image of `body` (the machine is shared: the minimum is the signal).
    func best(_ body: () -> Void) -> Double {
        var t = Double.infinity
        for _ in 0..<20 { let start = now(); body(); t = min(t, now() - start) }
        return t / Double(arguments.batch)
    }
    for (i, conv) in encoder.convolutions.enumerated() {
        var y = conv.infer(x)
        let convTime = best { y = conv.infer(x) }
        var pooled = y
        let poolTime = encoder.pools[i].map { pool in best { pooled = pool.infer(y) } } ?? 0
        print(String(format: "layer %d: conv %.1f µs, pool %.1f µs per image, out %@", i, convTime * 1e6, poolTime * 1e6,
                     "\(pooled.shape)"))
        x = pooled
    }
case "convgemm":
    // sgemm alone on the conv stack's own shapes (rows per im2col chunk × Cout × patch size), the
    // part of the limit that BLAS sets on these skinny matrices.
    var seconds = 0.0, (h, w, c) = (64, 64, 3)
    for l in options.layers {
        let rowsPerImage = h * w, k = l.kernel * l.kernel * c
        let chunk = max(1, min(arguments.batch, (1 << 18) / (rowsPerImage * k)))
        let (m, n) = (rowsPerImage * chunk, l.conv)
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: n * k)
        var out = [Float](repeating: 0, count: m * n)
        var best = Double.infinity
        for _ in 0..<50 {
            let start = now()
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer { pc in
                BLAS.gemm(transA: false, transB: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: k,
                          beta: 1, c: pc.baseAddress!, ldc: n)
            } } }
            best = min(best, (now() - start) / Double(chunk))
        }
        print(String(format: "layer sgemm m %d n %d k %d: %.1f µs per image, %.1f GFLOP/s", m, n, k, best * 1e6,
                     2 * Double(rowsPerImage * n * k) / best / 1e9))
        seconds += best
        c = l.conv
        if l.pool > 1 { h /= l.pool; w /= l.pool }
    }
    print(String(format: "conv sgemm total: %.1f µs per image (%.1f GFLOP/s)", seconds * 1e6,
                 Double(ConvFlops.count(options: options)) / seconds / 1e9))
case "memory":
    // The first file decoded again and again from memory at the reduced scale: what tjbench does.
    let file = try FileManager.default.contentsOfDirectory(atPath: arguments.directory).sorted().first { $0.hasSuffix(".jpg") }!
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: arguments.directory).appendingPathComponent(file)))
    let decoder = ImageDecoder(options: options)
    let count = 2000
    measure("decode from memory (\(file), 1/4 scale)", count: count) {
        for _ in 0..<count { _ = try! decoder.decode(bytes, source: file, minimumSize: (64, 64)) }
    }
case "conv":
    let count = 1024
    let input = Tensor.normal(shape: [arguments.batch, 64, 64, 3], using: &rng)
    measure("conv stack", count: count) {
        parallel(count / arguments.batch, threads: arguments.threads) { shard in for _ in shard { _ = frozenEncoder.infer(input) } }
    }
default:
    let files = try FileManager.default.contentsOfDirectory(atPath: arguments.directory)
        .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted()
        .map { URL(fileURLWithPath: arguments.directory).appendingPathComponent($0) }
    precondition(!files.isEmpty, "no .jpg or .png files in \(arguments.directory)")
    let dimension = encoder.outputDimension
    var vectors = [Float](repeating: 0, count: files.count * dimension)
    let out = vectors.withUnsafeMutableBufferPointer { SendablePointer(base: $0.baseAddress!) }
    let decodeOnly = arguments.stage == "decode"
    measure(decodeOnly ? "decode+resize" : "decode+resize+conv", count: files.count) {
        parallel(files.count, threads: arguments.threads) { shard in
            for first in Swift.stride(from: shard.lowerBound, to: shard.upperBound, by: arguments.batch) {
                let items = first..<min(first + arguments.batch, shard.upperBound)
                let images = items.map { try! preprocessor.resizedImage(contentsOf: files[$0]) }
                if decodeOnly { continue }
                let y = frozenEncoder.infer(preprocessor.tensor(images))
                y.withUnsafeBufferPointer { (out.base + first * dimension).update(from: $0.baseAddress!, count: $0.count) }
            }
        }
    }
    if !decodeOnly { print("checksum", vectors.reduce(0, +)) }
}

/// Multiply-adds ×2 of the conv layers (the GEMMs) for one image.
enum ConvFlops {
    static func count(options: ImageOptions) -> Int {
        var (h, w, c, total) = (options.height, options.width, 3, 0)
        for l in options.layers {
            h = (h + 2 * l.padding - l.kernel) / l.stride + 1
            w = (w + 2 * l.padding - l.kernel) / l.stride + 1
            total += 2 * h * w * l.conv * l.kernel * l.kernel * c
            c = l.conv
            if l.pool > 1 { h /= l.pool; w /= l.pool }
        }
        return total
    }
}
