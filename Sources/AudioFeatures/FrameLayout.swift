import TensorCore

/// Where the analysis frames of a signal lie, and the per-frame conditioning before the FFT.
///
/// `librosa` framing: the signal is padded by n_fft/2 at both ends when `center` is on
/// (`pad_mode`), frame t covers padded samples [t·hop, t·hop + n_fft), and a window of win_length
/// sits centred in it (`librosa.util.pad_center`). Frames: 1 + ⌊(L + 2·⌊n_fft/2⌋ − n_fft)/hop⌋
/// centred, 1 + ⌊(L − n_fft)/hop⌋ otherwise (0 when L < n_fft).
/// `kaldi` framing: frame t covers [t·hop, t·hop + win_length) and only whole frames count
/// (`snip_edges`); the windowed samples go first in the n_fft FFT input, zeros after.
public struct FrameLayout: Sendable, Equatable {
    public let nFFT: Int
    public let hop: Int
    public let winLength: Int
    /// Samples per frame: n_fft (librosa) or win_length (kaldi).
    public let frameLength: Int
    /// Where the window starts inside a frame, and inside the FFT input.
    public let windowOffset: Int
    /// Samples of padding at each end of the signal (n_fft/2 when centred, else 0).
    public let edgePadding: Int
    public let padMode: AudioOptions.PadMode
    /// Subtract each frame's mean over the window span (Kaldi `remove_dc_offset`).
    public let removeDC: Bool
    /// Pre-emphasis inside the window span: x[i] −= c·x[i−1], x[0] −= c·x[0] (Kaldi).
    public let preEmphasis: Float

    public init(options: AudioOptions) {
        nFFT = options.nFFT
        hop = options.hop
        winLength = options.effectiveWinLength
        switch options.framing {
        case .librosa:
            frameLength = nFFT
            windowOffset = (nFFT - winLength) / 2
            edgePadding = options.center ? nFFT / 2 : 0
        case .kaldi:
            frameLength = winLength
            windowOffset = 0
            edgePadding = 0
        }
        padMode = options.padMode
        removeDC = options.removeDC
        preEmphasis = Float(options.preEmphasis)
    }

    /// Number of frames for a signal of `samples` samples.
    public func frameCount(samples: Int) -> Int {
        let padded = samples + 2 * edgePadding
        return padded < frameLength ? 0 : 1 + (padded - frameLength) / hop
    }

    /// Sample `i` of the padded signal, i in −edgePadding ..< n + edgePadding, per `padMode`
    /// (numpy.pad: constant zeros, edge repeats the end sample, reflect mirrors without repeating it).
    @inline(__always)
    public func paddedSample(_ signal: UnsafeBufferPointer<Float>, at i: Int) -> Float {
        let n = signal.count
        if i >= 0 && i < n { return signal[i] }
        guard n > 0 else { return 0 }
        switch padMode {
        case .constant: return 0
        case .edge: return signal[i < 0 ? 0 : n - 1]
        case .reflect:
            let period = Swift.max(1, 2 * (n - 1))
            let m = ((i % period) + period) % period
            return signal[m < n ? m : period - m]
        }
    }

    /// The signal with `edgePadding` samples added at both ends per `padMode`.
    public func padded(_ signal: UnsafeBufferPointer<Float>) -> [Float] {
        (-edgePadding..<(signal.count + edgePadding)).map { paddedSample(signal, at: $0) }
    }

    /// Raw frames (before conditioning and window), shape (frames, frameLength), row-major.
    /// The stage `librosa.util.frame(np.pad(y, …), frame_length, hop)` computes, time-major.
    public func frames(_ signal: [Float]) -> Tensor {
        let padded = signal.withUnsafeBufferPointer { self.padded($0) }
        let count = frameCount(samples: signal.count)
        var out = Tensor(shape: [count, frameLength])
        padded.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for t in 0..<count {
                    (dst.baseAddress! + t * frameLength).update(from: src.baseAddress! + t * hop, count: frameLength)
                }
            }
        }
        return out
    }

    /// Writes one analysis frame into an n_fft FFT input: DC removal, pre-emphasis and `window`
    /// over the window span, taken from `frame` (frameLength samples). Samples outside the span
    /// are left untouched (zero in a fresh buffer).
    func condition(frame: UnsafePointer<Float>, window: UnsafePointer<Float>, into fftInput: UnsafeMutablePointer<Float>) {
        let span = frame + windowOffset, out = fftInput + windowOffset, n = winLength
        var mean: Float = 0
        if removeDC {
            var sum: Double = 0
            for i in 0..<n { sum += Double(span[i]) }
            mean = Float(sum / Double(n))
        }
        if preEmphasis != 0 {
            let c = preEmphasis
            for i in stride(from: n - 1, to: 0, by: -1) {
                out[i] = ((span[i] - mean) - c * (span[i - 1] - mean)) * window[i]
            }
            out[0] = ((span[0] - mean) - c * (span[0] - mean)) * window[0]
        } else {
            for i in 0..<n { out[i] = (span[i] - mean) * window[i] }
        }
    }
}
