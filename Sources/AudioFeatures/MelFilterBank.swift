import Foundation
import TensorCore

/// Triangular mel filter bank, shape (n_mels, n_fft/2 + 1), applied to spectrogram frames.
///
/// `slaney`/`htk`: exactly `librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm)`:
/// n_mels + 2 edges equally spaced in mel, triangles in Hz over the FFT bin frequencies
/// k·sr/n_fft, and with `norm: slaney` each row scaled by 2/(f[m+2] − f[m]). The arithmetic
/// follows librosa's order and float32 roundings (triangle rounded to Float, then the
/// normalisation applied in Double and rounded again), so weights match to float32 rounding.
/// `kaldi`: Kaldi's `MelBanks`: HTK mel formula, triangles drawn in the mel domain between
/// n_mels + 2 equally spaced mel points, the Nyquist bin excluded (weight 0), no normalisation.
public struct MelFilterBank: Sendable, Equatable {
    /// Weights, shape (n_mels, bins).
    public let weights: Tensor
    /// Per filter, the half-open range of bins where its weight is nonzero.
    public let support: [(Int, Int)]
    public var melCount: Int { weights.shape[0] }
    public var frequencyBins: Int { weights.shape[1] }

    public init(options: AudioOptions) {
        self.init(sampleRate: options.sampleRate, nFFT: options.nFFT, nMels: options.nMels, fmin: options.fmin,
                  fmax: options.effectiveFmax, scale: options.melScale, norm: options.melNorm)
    }

    public init(sampleRate: Int, nFFT: Int, nMels: Int, fmin: Double, fmax: Double,
                scale: AudioOptions.MelScale, norm: AudioOptions.MelNorm) {
        let bins = nFFT / 2 + 1
        let binHz = (0..<bins).map { Double($0) * Double(sampleRate) / Double(nFFT) }  // np.fft.rfftfreq
        var w = [Float](repeating: 0, count: nMels * bins)
        if scale == .kaldi {
            let lo = Self.hzToMel(fmin, htk: true), hi = Self.hzToMel(fmax, htk: true)
            let delta = (hi - lo) / Double(nMels + 1)
            for m in 0..<nMels {
                let left = lo + Double(m) * delta, center = left + delta, right = center + delta
                for k in 0..<(bins - 1) {  // Kaldi's bank has n_fft/2 bins; Nyquist stays 0
                    let mel = Self.hzToMel(binHz[k], htk: true)
                    guard mel > left && mel < right else { continue }
                    w[m * bins + k] = Float(mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center))
                }
            }
        } else {
            let htk = scale == .htk
            let edges = Self.melFrequencies(count: nMels + 2, fmin: fmin, fmax: fmax, htk: htk)
            for m in 0..<nMels {
                let lowerWidth = edges[m + 1] - edges[m], upperWidth = edges[m + 2] - edges[m + 1]
                let enorm = norm == .slaney ? 2 / (edges[m + 2] - edges[m]) : 1
                for k in 0..<bins {
                    let lower = -(edges[m] - binHz[k]) / lowerWidth     // -ramps[i] / fdiff[i]
                    let upper = (edges[m + 2] - binHz[k]) / upperWidth  // ramps[i+2] / fdiff[i+1]
                    let tri = Float(Swift.max(0, Swift.min(lower, upper)))
                    w[m * bins + k] = norm == .slaney ? Float(Double(tri) * enorm) : tri
                }
            }
        }
        weights = Tensor(shape: [nMels, bins], storage: w)
        support = (0..<nMels).map { m in
            let row = w[(m * bins)..<((m + 1) * bins)]
            guard let first = row.firstIndex(where: { $0 != 0 }), let last = row.lastIndex(where: { $0 != 0 }) else { return (0, 0) }
            return (first - m * bins, last - m * bins + 1)
        }
    }

    public static func == (a: MelFilterBank, b: MelFilterBank) -> Bool { a.weights == b.weights }

    /// Mel spectrogram: spectrogram (frames, bins) · weightsᵀ → (frames, n_mels).
    ///
    /// Each filter is nonzero over a short run of bins (about 2·bins nonzeros in all, against
    /// n_mels·bins dense), so the product runs over the runs only: ~60× fewer operations than
    /// `BLAS.gemm` on the dense bank at librosa's defaults. `applyDense` is the reference.
    public func apply(_ spectrogram: Tensor) -> Tensor {
        precondition(spectrogram.rank == 2 && spectrogram.shape[1] == frequencyBins,
                     "MelFilterBank: spectrogram \(spectrogram.shape), expected [T, \(frequencyBins)]")
        var out = Tensor(shape: [spectrogram.shape[0], melCount])
        spectrogram.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in apply(rows: s.baseAddress!, count: spectrogram.shape[0], into: o.baseAddress!) }
        }
        return out
    }

    /// `count` spectrum rows of `frequencyBins` values → `count` rows of `melCount` values.
    public func apply(rows: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        let bins = frequencyBins, mels = melCount
        weights.withUnsafeBufferPointer { w in
            for t in 0..<count {
                let row = rows + t * bins
                for m in 0..<mels {
                    let (lo, hi) = support[m]
                    out[t * mels + m] = Self.dot(w.baseAddress! + m * bins + lo, row + lo, hi - lo)
                }
            }
        }
    }

    /// Σ a[i]·b[i] with four independent partial sums, so the adds overlap instead of waiting on
    /// each other (a single running sum cannot be vectorised without reassociation).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var i = 0
        while i + 4 <= n {
            s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < n { s0 += a[i] * b[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// The same product through `BLAS.gemm` on the dense bank.
    public func applyDense(_ spectrogram: Tensor) -> Tensor {
        matmul(spectrogram, weights, transposeB: true)
    }

    /// Hz → mel. HTK: 2595·log10(1 + f/700). Slaney: linear f/(200/3) below 1 kHz, then
    /// 15 + ln(f/1000)/(ln 6.4/27) (librosa.hz_to_mel).
    public static func hzToMel(_ hz: Double, htk: Bool) -> Double {
        if htk { return 2595 * log10(1 + hz / 700) }
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
        return hz >= minLogHz ? minLogMel + log(hz / minLogHz) / logStep : hz / fSp
    }

    /// mel → Hz, the inverse of `hzToMel`.
    public static func melToHz(_ mel: Double, htk: Bool) -> Double {
        if htk { return 700 * (pow(10, mel / 2595) - 1) }
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
        return mel >= minLogMel ? minLogHz * exp(logStep * (mel - minLogMel)) : fSp * mel
    }

    /// `count` frequencies equally spaced in mel between fmin and fmax (librosa.mel_frequencies).
    public static func melFrequencies(count: Int, fmin: Double, fmax: Double, htk: Bool) -> [Double] {
        let lo = hzToMel(fmin, htk: htk), hi = hzToMel(fmax, htk: htk)
        return (0..<count).map { i in
            // np.linspace: lo + i·step, with the last point exactly hi
            let mel = i == count - 1 ? hi : lo + Double(i) * ((hi - lo) / Double(count - 1))
            return melToHz(mel, htk: htk)
        }
    }
}
