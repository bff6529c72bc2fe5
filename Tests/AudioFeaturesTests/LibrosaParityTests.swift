import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

/// librosa's default chain (load at 22050 Hz, stft 2048/512 Hann centred, 128 Slaney mels,
/// power_to_db, 20 MFCC) against our stages, on every parity clip (native and resampled).
///
/// Comparison rule (documented in docs/audio.md): relative error |a − e| / max(|e|, floor) ≤ 1e-4,
/// floor = 1e-5·peak for the power spectrum, 1e-6·peak for the mel spectrogram (float32 FFT error
/// scales with a frame's energy, so bins 50–60 dB below the clip's peak are judged at the floor),
/// 1 dB for dB values and 1 for MFCC (absolute 1e-4 near zero).
@Suite struct LibrosaParityTests {
    let options = AudioOptions()

    /// The mono signal at 22050 Hz exactly as `librosa.load(path, sr=22050)`.
    func signal(_ clip: String) throws -> [Float] {
        let audio = try AudioDecoder.decode(AudioGolden.clip(clip), options: options)
        return try Resampler.resample(Array(audio.channel(0)), from: audio.sampleRate, to: 22050)
    }

    @Test(arguments: AudioGolden.parityClips.filter { !$0.contains("22050") })
    func resampledSignalMatchesSoxrHQ(clip: String) throws {
        let ours = try signal(clip)
        let golden = AudioGolden.array("\(AudioGolden.stem(clip)).signal.npy")
        #expect(ours.count == golden.count)
        let r = relativeError(Tensor(shape: [ours.count], storage: ours), golden, floor: 1)
        #expect(r.worst <= 1e-6, "\(r.detail)")
    }

    @Test(arguments: AudioGolden.parityClips)
    func stagesMatchLibrosa(clip: String) throws {
        let stem = AudioGolden.stem(clip)
        let power = ShortTimeFourierTransform(options: options).spectrogram(try signal(clip))
        let goldenPower = AudioGolden.array("\(stem).power.npy")
        let head = Tensor(shape: goldenPower.shape, storage: Array(power.storage.prefix(goldenPower.count)))
        let p = relativeError(head, goldenPower, floor: 1e-5 * peak(goldenPower))
        #expect(p.worst <= 1e-4, "power: \(p.detail)")

        let mel = MelFilterBank(options: options).apply(power)
        let goldenMel = AudioGolden.array("\(stem).mel.npy")
        #expect(mel.shape == goldenMel.shape)
        let m = relativeError(mel, goldenMel, floor: 1e-6 * peak(goldenMel))
        #expect(m.worst <= 1e-4, "mel: \(m.detail)")

        let db = Decibels.powerToDB(mel, options.db)
        let d = relativeError(db, AudioGolden.array("\(stem).db.npy"), floor: 1)
        #expect(d.worst <= 1e-4, "dB: \(d.detail)")

        let mfcc = MFCC(options: options).apply(db)
        let c = relativeError(mfcc, AudioGolden.array("\(stem).mfcc.npy"), floor: 1)
        #expect(c.worst <= 1e-4, "mfcc: \(c.detail)")
    }

    @Test(arguments: AudioGolden.parityClips)
    func extractorMatchesLibrosaPooledMFCC(clip: String) throws {
        let extractor = try AudioFeatureExtractor(options: options)
        let pooled = try extractor.extract(AudioGolden.clip(clip))
        let golden = AudioGolden.shared.clips[clip]!.librosa!.pooled_mean_std
        #expect(pooled.count == extractor.outputDimension && pooled.count == 40)
        let r = relativeError(Tensor(shape: [40], storage: pooled), Tensor(shape: [40], storage: golden), floor: 1)
        #expect(r.worst <= 1e-4, "\(r.detail)")
    }

    @Test func librosaVersionIsThePinnedOne() {
        #expect(AudioGolden.shared.versions["librosa"] == "0.11.0")
    }
}
