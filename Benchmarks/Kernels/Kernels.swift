// Kernel benchmarks with ordo-one/benchmark: percentiles of wall clock, CPU time and mallocs.
// Run from Benchmarks/: OPENBLAS_NUM_THREADS=1 swift package --allow-writing-to-package-directory benchmark --target Kernels
// (or `swift package benchmark --target Kernels --filter 'sgemm.*'`). Figures: docs/benchmarks.md, "Kernels".
import AudioFeatures
import Benchmark
import Foundation
import FusionWorkload
import ImageFeatures
import NeuralNet
import RawBLAS
import TensorCore
import TextFeatures

/// The repository root (fixtures are read from there).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let benchmarks: @Sendable () -> Void = {
    BLAS.setThreads(1)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], timeUnits: .microseconds,
        warmupIterations: 3, maxDuration: .seconds(3), maxIterations: 2000)

    // MARK: sgemm, 1024 × 1024 × 1024: our matmul (allocates C) against cblas_sgemm into a buffer
    var rng = SeededGenerator(seed: 1)
    let n = 1024
    let a = Tensor.normal(shape: [n, n], using: &rng), b = Tensor.normal(shape: [n, n], using: &rng)
    Benchmark("sgemm 1024 matmul", configuration: .init(maxDuration: .seconds(4))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(matmul(a, b)) }
    }
    Benchmark("sgemm 1024 cblas_sgemm", configuration: .init(maxDuration: .seconds(4))) { benchmark in
        var c = [Float](repeating: 0, count: n * n)
        for _ in benchmark.scaledIterations {
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                                pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), 0, &c, Int32(n))
                }
            }
            blackHole(c[0])
        }
    }

    // MARK: Conv2d 16 → 32, 3×3, padding 1, on 32 images of 32×32 (NHWC)
    let conv = Conv2d(inputChannels: 16, outputChannels: 32, kernelSize: 3, padding: 1, name: "conv", rng: &rng)
    let images = Tensor.normal(shape: [32, 32, 32, 16], using: &rng)
    let gradient = Tensor.normal(shape: [32, 32, 32, 32], using: &rng)
    Benchmark("Conv2d forward 32×32×32×16 → 32") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(conv.forward(images)) }
    }
    Benchmark("Conv2d backward 32×32×32×16 → 32") { benchmark in
        _ = conv.forward(images)
        for _ in benchmark.scaledIterations {
            benchmark.stopMeasurement()
            for p in conv.parameters { p.zeroGrad() }
            _ = conv.forward(images)
            benchmark.startMeasurement()
            blackHole(conv.backward(gradient))
        }
    }

    // MARK: STFT (2048, hop 512) + mel (128) of 30 s at 22 050 Hz, librosa's defaults
    let options = AudioOptions(preset: .librosa)
    let signal = (0..<(30 * 22_050)).map { (t: Int) -> Float in
        let x = Float(t)
        return 0.5 * sin(x * 0.0627) + 0.1 * sin(x * 0.31)
    }
    let stft = ShortTimeFourierTransform(options: options)
    let bank = MelFilterBank(options: options)
    Benchmark("STFT + mel, 30 s at 22 050 Hz") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(stft.melSpectrogram(signal, bank: bank)) }
    }

    // MARK: Tokenizer (NFKC, lowercase, CJK bigrams) over the demo catalog's 300 titles + descriptions
    let descriptions = (try? String(contentsOf: root.appendingPathComponent("fixtures/catalog/items.csv"), encoding: .utf8))?
        .split(separator: "\n").dropFirst().map(String.init) ?? []
    let tokenizer = try! Tokenizer(TokenizerOptions())
    Benchmark("Tokenizer, 300 catalog rows") { benchmark in
        for _ in benchmark.scaledIterations {
            for line in descriptions { blackHole(tokenizer.analyze(line)) }
        }
    }

    // MARK: Image decode of the demo catalog's files (80×60 … 72×72), JPEG and PNG
    let media = root.appendingPathComponent("fixtures/catalog/media/images")
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: media.path)) ?? []).sorted()
    let decoder = ImageDecoder()
    for format in ["jpg", "png"] {
        let bytes = files.filter { $0.hasSuffix(format) }.prefix(50).compactMap { try? [UInt8](Data(contentsOf: media.appendingPathComponent($0))) }
        Benchmark("decode \(format.uppercased()), \(bytes.count) files") { benchmark in
            for _ in benchmark.scaledIterations {
                for image in bytes { blackHole(try? decoder.decode(image, source: format)) }
            }
        }
    }

    // MARK: One training step of the fused model (FusionWorkload; batch 256)
    let workload = FusionWorkload(users: 50_000, items: 20_000, ratings: 1_000_000, history: false)
    let counter = StepCounter()
    Benchmark("fused model training step, batch 256") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(workload.step(counter.next())) }
    }
}

/// Batch index across the benchmark's iterations.
final class StepCounter: @unchecked Sendable {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
