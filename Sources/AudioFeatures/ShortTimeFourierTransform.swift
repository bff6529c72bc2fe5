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
    private let powerRows: UnsafeMutablePointer<Float>  // batch × bins

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
        powerRows = .allocate(capacity: batch * bins)
    }

    deinit {
        powerRows.deallocate()
        let (plan, input, output) = (plan, input, output)
        FFTWPlanner.locked {
            fftwf_destroy_plan(plan)
            fftwf_free(input)
            fftwf_free(output)
        }
    }

    /// Spectrogram of a signal, framed per `layout` (edge padding included).
    public func spectrogram(_ signal: [Float]) -> Tensor {
        let bins = frequencyBins
        var out = Tensor(shape: [layout.frameCount(samples: signal.count), bins])
        out.withUnsafeMutableBufferPointer { o in
            signal.withUnsafeBufferPointer { s in
                forEachBatch(of: s) { t0, n, power in (o.baseAddress! + t0 * bins).update(from: power, count: n * bins) }
            }
        }
        return out
    }

    /// Mel spectrogram of a signal, each frame's spectrum passed through `bank` while it is still
    /// in cache: equal to `bank.apply(spectrogram(signal))`, without the (frames, bins) array.
    public func melSpectrogram(_ signal: [Float], bank: MelFilterBank) -> Tensor {
        precondition(bank.frequencyBins == frequencyBins, "melSpectrogram: bank has \(bank.frequencyBins) bins, FFT \(frequencyBins)")
        let mels = bank.melCount
        var out = Tensor(shape: [layout.frameCount(samples: signal.count), mels])
        out.withUnsafeMutableBufferPointer { o in
            signal.withUnsafeBufferPointer { s in
                forEachBatch(of: s) { t0, n, power in bank.apply(rows: power, count: n, into: o.baseAddress! + t0 * mels) }
            }
        }
        return out
    }

    /// Spectrogram of frames already cut by `FrameLayout.frames` (frames, frameLength).
    public func spectrogram(frames: Tensor) -> Tensor {
        precondition(frames.rank == 2 && frames.shape[1] == layout.frameLength,
                     "ShortTimeFourierTransform: frames \(frames.shape), expected [T, \(layout.frameLength)]")
        let bins = frequencyBins
        var out = Tensor(shape: [frames.shape[0], bins])
        out.withUnsafeMutableBufferPointer { o in
            frames.withUnsafeBufferPointer { f in
                transform(count: frames.shape[0], frame: { t in f.baseAddress! + t * layout.frameLength }) { t0, n, power in
                    (o.baseAddress! + t0 * bins).update(from: power, count: n * bins)
                }
            }
        }
        return out
    }

    /// Frames `signal` without copying it: frames wholly inside point into it, the few that
    /// overlap the padded ends are assembled in a scratch frame.
    private func forEachBatch(of signal: UnsafeBufferPointer<Float>, _ emit: (Int, Int, UnsafePointer<Float>) -> Void) {
        let length = layout.frameLength, hop = layout.hop, pad = layout.edgePadding, n = signal.count
        var edgeFrame = [Float](repeating: 0, count: length)
        edgeFrame.withUnsafeMutableBufferPointer { scratch in
            transform(count: layout.frameCount(samples: n), frame: { t in
                let start = t * hop - pad
                if start >= 0 && start + length <= n { return signal.baseAddress! + start }
                for i in 0..<length { scratch[i] = layout.paddedSample(signal, at: start + i) }
                return UnsafePointer(scratch.baseAddress!)
            }, emit: emit)
        }
    }

    /// Conditions and transforms `count` frames (`frame(t)` points at frame t's first sample),
    /// handing each batch's power rows to `emit(firstFrame, frames, rows)`.
    private func transform(count: Int, frame: (Int) -> UnsafePointer<Float>,
                           emit: (Int, Int, UnsafePointer<Float>) -> Void) {
        let n = layout.nFFT, bins = frequencyBins
        window.withUnsafeBufferPointer { w in
            var t0 = 0
            while t0 < count {
                let inBatch = Swift.min(batch, count - t0)
                for b in 0..<inBatch { layout.condition(frame: frame(t0 + b), window: w.baseAddress!, into: input + b * n) }
                fftwf_execute(plan)
                if power == 2 {
                    for i in 0..<(inBatch * bins) {
                        let re = output[2 * i], im = output[2 * i + 1]
                        powerRows[i] = re * re + im * im
                    }
                } else {
                    for i in 0..<(inBatch * bins) {
                        let re = output[2 * i], im = output[2 * i + 1]
                        powerRows[i] = (re * re + im * im).squareRoot()
                    }
                }
                emit(t0, inBatch, powerRows)
                t0 += inBatch
            }
        }
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
