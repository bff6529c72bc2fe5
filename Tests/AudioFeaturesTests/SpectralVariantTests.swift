import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

/// Non-default settings against librosa on the 48 kHz speech clip resampled to 22050 Hz, and the
/// filter banks against `librosa.filters.mel`. Same comparison rule as `LibrosaParityTests`.
@Suite struct SpectralVariantTests {
    let speech: [Float] = {
        let audio = try! AudioDecoder.decode(AudioGolden.clip("speech_48000_mono.wav"))
        return try! Resampler.resample(audio.samples, from: audio.sampleRate, to: 22050)
    }()

    func options(_ edit: (inout AudioOptions) -> Void) -> AudioOptions {
        var o = AudioOptions()
        edit(&o)
        return o
    }

    func expectClose(_ actual: Tensor, _ golden: String, floorFraction: Float, rows: Int? = nil) {
        let expected = AudioGolden.array(golden)
        let n = rows ?? expected.shape[0]
        let head = Tensor(shape: [n, actual.shape[1]], storage: Array(actual.storage.prefix(n * actual.shape[1])))
        #expect(head.shape == expected.shape)
        let r = relativeError(head, expected, floor: floorFraction * peak(expected))
        #expect(r.worst <= 1e-4, "\(golden): \(r.detail)")
    }

    @Test func hammingShortWindowWithoutCentering() {
        let o = options { $0.hop = 256; $0.winLength = 1024; $0.window = .hamming; $0.center = false }
        expectClose(ShortTimeFourierTransform(options: o).spectrogram(speech),
                    "variants.hamming_win1024_hop256_nocenter.power.npy", floorFraction: 1e-5, rows: 12)
    }

    @Test func magnitudeWithReflectPadding() {
        let o = options { $0.nFFT = 1024; $0.hop = 300; $0.padMode = .reflect; $0.power = 1 }
        // Magnitudes: the relative error of |X| is half that of |X|², the floor its square root.
        expectClose(ShortTimeFourierTransform(options: o).spectrogram(speech),
                    "variants.magnitude_reflect_1024_hop300.power.npy", floorFraction: 3e-3, rows: 12)
    }

    func htkMel() -> Tensor {
        let o = options { $0.nFFT = 1024; $0.hop = 256; $0.nMels = 40; $0.fmin = 80; $0.fmax = 7600
                          $0.melScale = .htk; $0.melNorm = .none }
        return MelFilterBank(options: o).apply(ShortTimeFourierTransform(options: o).spectrogram(speech))
    }

    @Test func htkMelWithoutNormalisation() {
        expectClose(htkMel(), "variants.mel_htk_nonorm_40.npy", floorFraction: 1e-6)
    }

    @Test func decibelSettings() {
        let mel = htkMel()
        let a = Decibels.powerToDB(mel, ref: 10, amin: 1e-5, topDB: 40)
        let b = Decibels.powerToDB(mel, topDB: nil)
        for (ours, name) in [(a, "variants.db_ref10_amin1e-5_top40.npy"), (b, "variants.db_notop.npy")] {
            let r = relativeError(ours, AudioGolden.array(name), floor: 1)
            #expect(r.worst <= 1e-4, "\(name): \(r.detail)")
        }
        #expect(a.storage.max()! - a.storage.min()! <= 40 + 1e-4)
    }

    func lifteredMFCC() -> Tensor {
        let o = options { $0.nMFCC = 13; $0.lifter = 22 }
        let mel = MelFilterBank(options: o).apply(ShortTimeFourierTransform(options: o).spectrogram(speech))
        return MFCC(options: o).apply(Decibels.powerToDB(mel, o.db))
    }

    @Test func mfccWithLifter() {
        let r = relativeError(lifteredMFCC(), AudioGolden.array("variants.mfcc13_lifter22.npy"), floor: 1)
        #expect(r.worst <= 1e-4, "\(r.detail)")
    }

    @Test(arguments: [("variants.delta1.npy", 9, 1), ("variants.delta2.npy", 9, 2), ("variants.delta1_width5.npy", 5, 1)])
    func deltasMatchLibrosa(golden: String, width: Int, order: Int) {
        // Input: librosa's own MFCC, so only the delta filter is under test.
        let mfcc = AudioGolden.array("variants.mfcc13_lifter22.npy")
        let r = relativeError(Deltas.compute(mfcc, width: width, order: order), AudioGolden.array(golden), floor: 1e-2)
        #expect(r.worst <= 1e-4, "\(golden): \(r.detail)")
    }

    @Test func poolingMatchesNumpy() {
        let mfcc = AudioGolden.array("variants.mfcc13_lifter22.npy")
        let golden = AudioGolden.shared.variants.pooling_of_mfcc13_lifter22
        for (name, expected) in golden {
            let pooled = Pooling.pool(mfcc, statistics: [PoolingStatistic(name: name)!])
            let r = relativeError(Tensor(shape: [pooled.count], storage: pooled), Tensor(shape: [expected.count], storage: expected), floor: 1)
            #expect(r.worst <= 1e-5, "\(name): \(r.detail)")
        }
    }

    @Test func filterBanksMatchLibrosaExactly() {
        for bank in AudioGolden.shared.filterbanks {
            let ours = MelFilterBank(sampleRate: bank.sr, nFFT: bank.n_fft, nMels: bank.n_mels, fmin: bank.fmin,
                                     fmax: bank.fmax ?? Double(bank.sr) / 2, scale: bank.htk ? .htk : .slaney,
                                     norm: bank.norm == "slaney" ? .slaney : .none).weights
            let bins = bank.n_fft / 2 + 1
            var worst: Float = 0
            for (m, row) in bank.rows.enumerated() {
                for k in 0..<bins {
                    let j = k - row.start
                    let expected: Float = j >= 0 && j < row.values.count ? row.values[j] : 0
                    worst = max(worst, abs(ours[m, k] - expected) / max(abs(expected), 1e-3))
                }
            }
            // Relative to each weight (floor 1e-3, below every nonzero weight here): zeros must stay zeros.
            #expect(worst <= 1e-6, "bank sr \(bank.sr) n_fft \(bank.n_fft) n_mels \(bank.n_mels): worst relative diff \(worst)")
        }
    }

    @Test func windowsMatchScipyAndKaldi() {
        for (name, expected) in AudioGolden.shared.windows {
            let ours = Window.make(AudioOptions.WindowKind(rawValue: name)!, length: expected.count)
            #expect(closeness(ours, expected, absolute: 1e-7, relative: 1e-6).ok, "\(name)")
        }
    }
}
