import Foundation
import TensorCore

/// Mel-frequency cepstral coefficients from log-mel frames, as `librosa.feature.mfcc(S=…)`.
///
/// c = DCT-II(orthonormal) of each frame's n_mels dB values, first n_mfcc kept:
/// c_k = s_k · Σₙ x_n cos(πk(2n+1)/(2N)), s_0 = √(1/N), s_k = √(2/N) (scipy.fft.dct norm="ortho").
/// With `mfcc_norm: none`, s_k = 2 (scipy.fft.dct norm=None). With lifter L > 0:
/// c_k · (1 + L/2 · sin(π(k+1)/L)). Input (frames, n_mels) → (frames, n_mfcc).
public struct MFCC: Sendable, Equatable {
    /// DCT basis rows, shape (n_mfcc, n_mels), liftering folded in.
    public let basis: Tensor

    public init(options: AudioOptions) {
        self.init(melCount: options.nMels, coefficientCount: options.nMFCC, lifter: options.lifter,
                  orthonormal: options.mfccNorm == .ortho)
    }

    public init(melCount: Int, coefficientCount: Int, lifter: Double = 0, orthonormal: Bool = true) {
        precondition(coefficientCount >= 1 && coefficientCount <= melCount,
                     "MFCC: n_mfcc \(coefficientCount) must be in 1…n_mels (\(melCount))")
        let N = Double(melCount)
        var b = [Float](repeating: 0, count: coefficientCount * melCount)
        for k in 0..<coefficientCount {
            var scale = orthonormal ? (k == 0 ? 1 / N : 2 / N).squareRoot() : 2
            if lifter > 0 { scale *= 1 + lifter / 2 * sin(Double.pi * Double(k + 1) / lifter) }
            for n in 0..<melCount {
                b[k * melCount + n] = Float(scale * cos(Double.pi * Double(k) * (2 * Double(n) + 1) / (2 * N)))
            }
        }
        basis = Tensor(shape: [coefficientCount, melCount], storage: b)
    }

    /// Cepstra of log-mel frames: (frames, n_mels) · basisᵀ → (frames, n_mfcc), via `BLAS.gemm`.
    public func apply(_ logMel: Tensor) -> Tensor {
        precondition(logMel.rank == 2 && logMel.shape[1] == basis.shape[1],
                     "MFCC: input \(logMel.shape), expected [T, \(basis.shape[1])]")
        return matmul(logMel, basis, transposeB: true)
    }
}
