import Foundation
import TensorCore

/// Maps an audio file to its pooled, fixed-size feature vector: the per-item input of the fused model.
///
/// decode (libsndfile, window, channel policy) → resample (libsoxr) → spectrogram (FFTW) → mel →
/// dB → [MFCC] → [deltas] → pooling over time. `outputDimension` follows from the options alone.
/// Thread-safe: `extract` may run concurrently on many items; each call borrows its own FFTW plan
/// and buffers from a pool (created on first need, planned under FFTW's planner lock).
public final class AudioFeatureExtractor: Sendable {
    public let options: AudioOptions
    public let melBank: MelFilterBank
    public let cepstrum: MFCC?
    private let transforms: TransformPool

    /// Checks the options (every problem at once) and prepares the filter bank and DCT.
    public init(options: AudioOptions = AudioOptions()) throws {
        let problems = options.validate()
        guard problems.isEmpty else { throw AudioOptionsError(problems: problems) }
        self.options = options
        melBank = MelFilterBank(options: options)
        cepstrum = options.features == .mfcc ? MFCC(options: options) : nil
        transforms = TransformPool(options: options)
    }

    /// Length of every vector `extract` returns.
    public var outputDimension: Int { options.outputDimension }

    /// The pooled vector of one file. Throws `ItemError` for bad input.
    public func extract(_ url: URL) throws -> [Float] {
        try pooled(AudioDecoder.decode(url, options: options), name: url.path)
    }

    /// The pooled vector of a file already in memory.
    public func extract(bytes: UnsafeRawBufferPointer, name: String) throws -> [Float] {
        try pooled(AudioDecoder.decode(bytes: bytes, name: name, options: options), name: name)
    }

    /// Resamples decoded audio and pools its frame features (channels stacked in time for `keep`).
    /// `name` labels errors.
    ///
    /// Float WAV stores any value. NaN, ±inf and samples beyond ±`largestSample` are rejected as
    /// `corrupt`: they do not yield a vector with a meaning (NaN and overflowing powers turn into
    /// power_to_db's floor, so the clip would pass as silence) and could poison training.
    public func pooled(_ audio: DecodedAudio, name: String) throws -> [Float] {
        if let bad = audio.samples.firstIndex(where: { !($0.magnitude <= Self.largestSample) }) {
            throw ItemError(.corrupt, source: name, detail: "sample \(bad) is \(audio.samples[bad]); samples lie within ±1 (at most ±1e9 is analysed)",
                            hint: "the file holds invalid float samples; re-encode it from its source")
        }
        let vector = Pooling.pool(try frameFeatures(audio, name: name), statistics: options.pooling)
        guard vector.allSatisfy(\.isFinite) else {
            throw ItemError(.corrupt, source: name, detail: "the features are not finite numbers", hint: "re-encode the file from its source")
        }
        return vector
    }

    /// The largest sample magnitude analysed: 65536-point frames of it keep every power and mel
    /// sum far below Float's maximum (3.4e38).
    public static let largestSample: Float = 1e9

    /// Frame features of decoded audio at any rate: (frames, frameFeatureDimension).
    public func frameFeatures(_ audio: DecodedAudio, name path: String) throws -> Tensor {
        let resampled: DecodedAudio
        do { resampled = try Resampler.resample(audio, to: options.sampleRate, quality: options.resampleQuality) } catch {
            throw ItemError(.unsupported, source: path, detail: "resampling \(audio.sampleRate) → \(options.sampleRate) Hz failed (\(error))",
                            hint: "check features.audio.sample_rate")
        }
        var stacked = Tensor(shape: [0, options.frameFeatureDimension])
        for c in 0..<resampled.channelCount {
            let features = frameFeatures(signal: resampled.channelCount == 1 ? resampled.samples : Array(resampled.channel(c)))
            stacked = c == 0 ? features : Tensor(shape: [stacked.shape[0] + features.shape[0], stacked.shape[1]],
                                                 storage: stacked.storage + features.storage)
        }
        guard stacked.shape[0] > 0 else {
            throw ItemError(.empty, source: path,
                            detail: "\(audio.frameCount) samples at \(audio.sampleRate) Hz are shorter than one analysis frame",
                            hint: "frames need \(options.effectiveWinLength) samples at \(options.sampleRate) Hz; drop the item or enable center")
        }
        return stacked
    }

    /// Frame features of one channel already at `options.sampleRate`: (frames, frameFeatureDimension).
    public func frameFeatures(signal: [Float]) -> Tensor {
        var features = transforms.withTransform { $0.melSpectrogram(signal, bank: melBank) }
        guard features.shape[0] > 0 else { return Tensor(shape: [0, options.frameFeatureDimension]) }
        if options.features != .mel { Decibels.powerToDBInPlace(&features, ref: options.db.ref, amin: options.db.amin, topDB: options.db.topDB) }
        if let cepstrum { features = cepstrum.apply(features) }
        return Self.appendingDeltas(features, order: options.deltas, width: options.deltaWidth)
    }

    /// [x, Δx, Δ²x] side by side per frame, for order 0, 1 or 2.
    static func appendingDeltas(_ x: Tensor, order: Int, width: Int) -> Tensor {
        guard order > 0 else { return x }
        let blocks = [x] + (1...order).map { Deltas.compute(x, width: width, order: $0) }
        let (frames, dims) = (x.shape[0], x.shape[1])
        var out = [Float](repeating: 0, count: frames * dims * blocks.count)
        for (b, block) in blocks.enumerated() {
            for t in 0..<frames {
                for d in 0..<dims { out[t * dims * blocks.count + b * dims + d] = block.storage[t * dims + d] }
            }
        }
        return Tensor(shape: [frames, dims * blocks.count], storage: out)
    }
}

/// Options that cannot be used; `problems` lists each with its key and valid range.
public struct AudioOptionsError: Error, CustomStringConvertible, Equatable {
    public let problems: [String]
    public var description: String { "features.audio: " + problems.joined(separator: "; ") }
}

/// FFT plans and buffers lent to one caller at a time; grows to the number of concurrent callers.
// @unchecked: `idle` is only read and written under `lock`, and a transform taken out is used by one caller.
final class TransformPool: @unchecked Sendable {
    private let options: AudioOptions
    private let lock = NSLock()
    private var idle: [ShortTimeFourierTransform] = []

    init(options: AudioOptions) { self.options = options }

    func withTransform<R>(_ body: (ShortTimeFourierTransform) -> R) -> R {
        let transform = lock.withLock { idle.popLast() } ?? ShortTimeFourierTransform(options: options)
        defer { lock.withLock { idle.append(transform) } }
        return body(transform)
    }
}
