import CFFTW
import Foundation
import TensorCore

/// Power (or magnitude) spectrogram through FFTW's single-precision real-to-complex transform.
///
/// |X_t[k]|^p for frames t and bins k = 0…n_fft/2, where X_t = rfft(window · frame_t) and p is
/// `power` (2: power, 1: magnitude). Output shape (frames, n_fft/2 + 1), time-major; librosa's
/// `np.abs(librosa.stft(y))**p` is its transpose.
/// One batched plan (`fftwf_plan_many_dft_r2c`, `batch` frames per execute) and its buffers are made
/// once per instance, under a global planner lock; an instance is not for concurrent use (give each
/// worker its own, see `AudioFeatureExtractor`), but separate instances execute concurrently.
/// Plans use FFTW_ESTIMATE: deterministic (FFTW_MEASURE may pick different algorithms run to run,
/// and thus different last bits) and with no planning time per worker. One frame per execute is
/// the default: with ESTIMATE it measured faster than batches of 16 or 64 (docs/audio.md).
public final class ShortTimeFourierTransform {
    public let layout: FrameLayout
    public let power: Float
    /// The analysis window, win_length samples.
    public let window: [Float]
    /// Frames per FFTW execute.
    public let batch: Int
    public var frequencyBins: Int { layout.nFFT / 2 + 1 }

    private let plan: OpaquePointer
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<Float>  // interleaved (re, im) pairs

    public init(options: AudioOptions, batch: Int = 1) {
        layout = FrameLayout(options: options)
        power = Float(options.power)
        window = Window.make(options.window, length: layout.winLength)
        self.batch = batch
        let n = layout.nFFT, bins = n / 2 + 1
        let (plan, input, output) = FFTWPlanner.locked { () -> (OpaquePointer, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) in
            let input = fftwf_alloc_real(n * batch)!
            let output = fftwf_alloc_real(2 * bins * batch)!
            var size = Int32(n)
            let plan = output.withMemoryRebound(to: fftwf_complex.self, capacity: bins * batch) { out in
                fftwf_plan_many_dft_r2c(1, &size, Int32(batch), input, nil, 1, Int32(n),
                                        out, nil, 1, Int32(bins), UInt32(FFTW_ESTIMATE))
            }
            return (plan!, input, output)
        }
        self.plan = plan
        self.input = input
        self.output = output
        input.initialize(repeating: 0, count: n * batch)
    }

    deinit {
        let (plan, input, output) = (plan, input, output)
        FFTWPlanner.locked {
            fftwf_destroy_plan(plan)
            fftwf_free(input)
            fftwf_free(output)
        }
    }

    /// Spectrogram of a signal: frames it per `layout` (padding included) and transforms.
    public func spectrogram(_ signal: [Float]) -> Tensor {
        let padded = signal.withUnsafeBufferPointer { layout.padded($0) }
        return padded.withUnsafeBufferPointer { p in
            transform(count: layout.frameCount(samples: signal.count)) { t in p.baseAddress! + t * layout.hop }
        }
    }

    /// Spectrogram of frames already cut by `FrameLayout.frames` (frames, frameLength).
    public func spectrogram(frames: Tensor) -> Tensor {
        precondition(frames.rank == 2 && frames.shape[1] == layout.frameLength,
                     "ShortTimeFourierTransform: frames \(frames.shape), expected [T, \(layout.frameLength)]")
        return frames.withUnsafeBufferPointer { f in
            transform(count: frames.shape[0]) { t in f.baseAddress! + t * layout.frameLength }
        }
    }

    /// Conditions and transforms `count` frames, `frame(t)` pointing at frame t's first sample.
    private func transform(count: Int, frame: (Int) -> UnsafePointer<Float>) -> Tensor {
        let n = layout.nFFT, bins = frequencyBins
        var out = Tensor(shape: [count, bins])
        window.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { dst in
                var t0 = 0
                while t0 < count {
                    let inBatch = Swift.min(batch, count - t0)
                    for b in 0..<inBatch { layout.condition(frame: frame(t0 + b), window: w.baseAddress!, into: input + b * n) }
                    fftwf_execute(plan)
                    let base = dst.baseAddress! + t0 * bins
                    if power == 2 {
                        for i in 0..<(inBatch * bins) {
                            let re = output[2 * i], im = output[2 * i + 1]
                            base[i] = re * re + im * im
                        }
                    } else {
                        for i in 0..<(inBatch * bins) {
                            let re = output[2 * i], im = output[2 * i + 1]
                            base[i] = (re * re + im * im).squareRoot()
                        }
                    }
                    t0 += inBatch
                }
            }
        }
        return out
    }
}

/// Serialises FFTW planning and plan destruction, the only FFTW calls that are not thread-safe.
enum FFTWPlanner {
    private static let lock: NSLock = {
        fftwf_make_planner_thread_safe()
        return NSLock()
    }()

    static func locked<R>(_ body: () -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
