import AudioFeatures
import Foundation
import TensorCore
import TestSupport

/// The committed librosa golden values (scripts/golden/audio_features.py → fixtures/golden/audio).
struct AudioGolden: Decodable {
    struct Decode: Decodable {
        struct Window: Decodable { let frames: Int; let head: [Float] }
        let format: String, subtype: String, sample_rate: Int, channels: Int, frames: Int
        let rms: Double, head: [Float], sum: Double
        let window: Window?
        enum CodingKeys: String, CodingKey {
            case format, subtype, sample_rate, channels, frames, rms, head, sum, window = "window_0.1_0.2"
        }
    }
    struct Librosa: Decodable { let frames: Int; let signal_length: Int; let pooled_mean_std: [Float] }
    struct Clip: Decodable { let decode: Decode; let librosa: Librosa? }
    struct Row: Decodable { let start: Int; let values: [Float] }
    struct Bank: Decodable {
        let sr: Int, n_fft: Int, n_mels: Int, fmin: Double, fmax: Double?, htk: Bool, norm: String?, rows: [Row]
    }
    let versions: [String: String]
    let clips: [String: Clip]
    let filterbanks: [Bank]
    let windows: [String: [Float]]
    let savgol: [String: [Double]]
    let variants: Variants
    struct Variants: Decodable {
        let pooling_of_mfcc13_lifter22: [String: [Float]]
    }

    static let shared: AudioGolden = try! Repository.golden("audio/expected.json")

    /// The clips that go through librosa's full default chain.
    static let parityClips = ["tone1k_22050_mono.wav", "chirp_22050_stereo.wav", "noise_8000_mono.wav",
                              "speech_44100_stereo.flac", "speech_48000_mono.wav"]

    static func clip(_ name: String) -> URL { Repository.fixture("media/audio/\(name)") }

    /// A golden array, shape as saved (time-major).
    static func array(_ name: String) -> Tensor {
        try! NumpyFile.read(Repository.fixture("golden/audio/\(name)")).tensor()
    }

    static func stem(_ clip: String) -> String { String(clip[..<clip.lastIndex(of: ".")!]) }
}

/// Worst relative error with a floor: max |a − e| / max(|e|, floor).
///
/// The parity rule for spectra: float32 FFT error is relative to a frame's energy, not to each
/// bin, so bins far below the array's peak are judged against `floor` (a fraction of that peak),
/// as librosa's own tests compare spectra in dB or with an absolute floor.
func relativeError(_ actual: Tensor, _ expected: Tensor, floor: Float) -> (worst: Float, detail: String) {
    precondition(actual.shape == expected.shape, "shapes \(actual.shape) vs \(expected.shape)")
    var worst: Float = 0, at = 0
    for i in 0..<actual.count {
        let e = expected.storage[i]
        let r = abs(actual.storage[i] - e) / max(abs(e), floor)
        if r > worst || r.isNaN { worst = r; at = i }
    }
    return (worst, "worst at flat index \(at): actual \(actual.storage[at]) expected \(expected.storage[at])")
}

/// Largest absolute value in a tensor.
func peak(_ t: Tensor) -> Float { t.storage.reduce(0) { max($0, abs($1)) } }
