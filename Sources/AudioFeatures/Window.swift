import Foundation

/// Analysis windows, computed in Double and rounded to Float.
///
/// hann, hamming: periodic ("DFT-even"), as `scipy.signal.get_window(kind, N, fftbins=True)`,
/// which librosa uses: w[n] = a − (1 − a)·cos(2πn/N), a = 0.5 (hann) or 0.54 (hamming).
/// povey: Kaldi's window, a symmetric Hann raised to 0.85: (½ − ½·cos(2πn/(N−1)))^0.85.
public enum Window {
    public static func make(_ kind: AudioOptions.WindowKind, length n: Int) -> [Float] {
        precondition(n > 0, "Window.make: length must be positive, got \(n)")
        let N = Double(n)
        return (0..<n).map { i in
            let x = Double(i)
            switch kind {
            case .hann: return Float(0.5 - 0.5 * cos(2 * Double.pi * x / N))
            case .hamming: return Float(0.54 - 0.46 * cos(2 * Double.pi * x / N))
            case .povey: return n == 1 ? 1 : Float(pow(0.5 - 0.5 * cos(2 * Double.pi * x / (N - 1)), 0.85))
            case .rectangular: return 1
            }
        }
    }
}
