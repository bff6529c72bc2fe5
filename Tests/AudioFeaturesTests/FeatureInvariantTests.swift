import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

/// Properties that hold whatever the reference: where a tone's energy lands, what c0 measures,
/// fast paths equal to their references, and the Kaldi preset against a numpy re-implementation.
@Suite struct FeatureInvariantTests {
    let options = AudioOptions()

    func tone(hz: Double, seconds: Double, sampleRate: Int = 22050, amplitude: (Double) -> Double = { _ in 0.5 }) -> [Float] {
        (0..<Int(seconds * Double(sampleRate))).map { i in
            let t = Double(i) / Double(sampleRate)
            return Float(amplitude(t) * sin(2 * Double.pi * hz * t))
        }
    }

    @Test func oneKilohertzTonePeaksInItsBin() throws {
        let audio = try AudioDecoder.decode(AudioGolden.clip("tone1k_22050_mono.wav"))
        let power = ShortTimeFourierTransform(options: options).spectrogram(audio.samples)
        let expectedBin = Int((1000.0 * 2048 / 22050).rounded())  // 93 (92.88)
        for t in 2..<(power.shape[0] - 2) {  // frames fully inside the tone
            let row = Array(power.row(t))
            #expect(row.indices.max { row[$0] < row[$1] } == expectedBin, "frame \(t)")
        }
    }

    @Test func mfccC0TracksFrameEnergy() {
        // Broadband noise whose level rises 40 dB over two seconds, so every mel band rises with it.
        var rng = SeededGenerator(seed: 10)
        let signal = (0..<44100).map { i in rng.nextNormal() * Float(0.002 * pow(100, Double(i) / 44100)) }
        let extractor = try! AudioFeatureExtractor(options: options)
        let mfcc = extractor.frameFeatures(signal: signal)
        let frames = FrameLayout(options: options).frames(signal)
        let interior = 4..<(mfcc.shape[0] - 4)  // frames away from the zero padding
        let c0 = interior.map { Double(mfcc[$0, 0]) }
        let energyDB = interior.map { t in 10 * log10(frames.row(t).reduce(0.0) { $0 + Double($1 * $1) }) }
        #expect(pearson(c0, energyDB) > 0.99)
        // c0 = Σ dB / √n_mels: +1 dB in every band raises it by √128 ≈ 11.3; 40 dB by about 450.
        #expect(abs((c0.last! - c0.first!) / (energyDB.last! - energyDB.first!) - 128.0.squareRoot()) < 1.5)
    }

    @Test func fusedPathsEqualStagedPaths() {
        var rng = SeededGenerator(seed: 11)
        let signal = (0..<10000).map { _ in rng.nextNormal() * 0.1 }
        // Also a signal shorter than the padding, where every frame is an edge frame.
        for edit: (inout AudioOptions) -> Void in [{ _ in }, { $0.padMode = .reflect; $0.winLength = 1500 }, { $0.nFFT = 16384 },
                                                   { $0 = AudioOptions(preset: .kaldi) }, { $0.padMode = .edge; $0.power = 1 }] {
            var o = options
            edit(&o)
            let stft = ShortTimeFourierTransform(options: o)
            let fused = stft.spectrogram(signal)
            let staged = stft.spectrogram(frames: FrameLayout(options: o).frames(signal))
            #expect(fused == staged)
            let bank = MelFilterBank(options: o)
            #expect(stft.melSpectrogram(signal, bank: bank) == bank.apply(fused))
            #expect(fused.shape[0] == FrameLayout(options: o).frameCount(samples: signal.count))
        }
    }

    @Test func sparseMelEqualsDenseGemm() {
        var rng = SeededGenerator(seed: 12)
        let power = Tensor.uniform(shape: [37, 1025], low: 0, high: 3, using: &rng)
        for scale in AudioOptions.MelScale.allCases {
            var o = options
            o.melScale = scale
            let bank = MelFilterBank(options: o)
            let r = relativeError(bank.apply(power), bank.applyDense(power), floor: 1e-3)
            #expect(r.worst <= 1e-5, "\(scale): \(r.detail)")
        }
    }

    @Test func deltaOfALinearRampIsItsSlope() {
        let ramp = Tensor(shape: [30, 2], storage: (0..<60).map { i in Float(i / 2) * (i % 2 == 0 ? 0.5 : -2) })
        let d1 = Deltas.compute(ramp, width: 9, order: 1), d2 = Deltas.compute(ramp, width: 9, order: 2)
        for t in 0..<30 {
            #expect(abs(d1[t, 0] - 0.5) < 1e-5 && abs(d1[t, 1] + 2) < 1e-5)
            #expect(abs(d2[t, 0]) < 1e-5 && abs(d2[t, 1]) < 1e-5)
        }
        #expect(Deltas.compute(Tensor(shape: [2, 3], repeating: 1), width: 9).storage == [0, 0, 0, 0, 0, 0])
        #expect(Deltas.compute(ramp.reshaped([30, 2]), width: 9).shape == [30, 2])
    }

    @Test func poolingStatisticsAreConsistent() {
        var rng = SeededGenerator(seed: 13)
        let x = Tensor.normal(shape: [101, 4], using: &rng)
        let p = Pooling.pool(x, statistics: [.min, .percentile(0), .max, .percentile(100), .percentile(50)])
        #expect(Array(p[0..<4]) == Array(p[4..<8]))
        #expect(Array(p[8..<12]) == Array(p[12..<16]))
        for d in 0..<4 {
            let column = (0..<101).map { x[$0, d] }.sorted()
            #expect(p[16 + d] == column[50])
        }
    }

    @Test func kaldiPresetMatchesTheKaldiFormulas() {
        let o = AudioOptions(preset: .kaldi)
        let signal = AudioGolden.array("kaldi.signal16k.npy").storage
        let golden = AudioGolden.array("kaldi.fbank.npy")  // natural log
        let power = ShortTimeFourierTransform(options: o).spectrogram(signal)
        let db = Decibels.powerToDB(MelFilterBank(options: o).apply(power), o.db)
        let ln = db.mapped { $0 * Float(log(10.0) / 10) }
        #expect(ln.shape == golden.shape)
        let r = relativeError(ln, golden, floor: 1)
        #expect(r.worst <= 1e-4, "\(r.detail)")
    }

    func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        let cov = zip(a, b).reduce(0.0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
        let va = a.reduce(0.0) { $0 + ($1 - ma) * ($1 - ma) }, vb = b.reduce(0.0) { $0 + ($1 - mb) * ($1 - mb) }
        return cov / (va * vb).squareRoot()
    }
}
