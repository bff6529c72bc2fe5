import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct ExtractorTests {
    @Test func outputDimensionIsKnownFromOptionsAlone() throws {
        var o = AudioOptions()
        #expect(o.outputDimension == 2 * 20)
        o.nMFCC = 13; o.deltas = 2; o.pooling = [.mean, .std, .max, .percentile(10), .percentile(90)]
        #expect(o.outputDimension == 5 * 39)
        let extractor = try AudioFeatureExtractor(options: o)
        #expect(try extractor.extract(AudioGolden.clip("noise_8000_mono.wav")).count == 5 * 39)
        o.features = .logMel
        #expect(try AudioFeatureExtractor(options: o).extract(AudioGolden.clip("tone440_8000_mono.au")).count == 5 * 128 * 3)
        #expect(AudioOptions(preset: .kaldi).outputDimension == 2 * 80)
    }

    @Test func pooledBlocksAreInStatisticOrder() throws {
        var o = AudioOptions()
        o.pooling = [.max, .mean, .min]
        let v = try AudioFeatureExtractor(options: o).extract(AudioGolden.clip("speech_48000_mono.wav"))
        for d in 0..<20 { #expect(v[d] >= v[20 + d] && v[20 + d] >= v[40 + d]) }
    }

    @Test func parallelExtractionEqualsSequentialBitForBit() throws {
        let extractor = try AudioFeatureExtractor(options: AudioOptions())
        let urls = Array(repeating: AudioGolden.parityClips.map(AudioGolden.clip), count: 4).flatMap { $0 }
        let sequential = try urls.map { try extractor.extract($0) }
        // parallelMap, as the product runs items (each thread writes its own slot; a shared array
        // written from every thread was a data race, found by ThreadSanitizer).
        let parallel = parallelMap(count: urls.count, threads: 4) { i in try! extractor.extract(urls[i]) }
        #expect(parallel == sequential)
        #expect(try extractor.extract(urls[0]) == sequential[0])  // and again: deterministic
    }

    @Test func keepPoolsOverChannelsAndTime() throws {
        var o = AudioOptions()
        o.channels = .keep
        let clip = AudioGolden.clip("chirp_22050_stereo.wav")
        let kept = try AudioFeatureExtractor(options: o).extract(clip)
        o.channels = .mono
        let mono = try AudioFeatureExtractor(options: o).extract(clip)
        #expect(kept.count == mono.count)
        #expect(kept != mono)
    }

    @Test func invalidOptionsAreAllReportedAtOnce() {
        var o = AudioOptions()
        o.nFFT = 8; o.nMFCC = 200; o.pooling = []; o.fmax = 99_999
        #expect(throws: AudioOptionsError.self) { try AudioFeatureExtractor(options: o) }
        let problems = o.validate()
        #expect(problems.count == 4, "\(problems)")
        for key in ["n_fft", "n_mfcc", "pooling", "fmax"] { #expect(problems.contains { $0.hasPrefix(key + ":") }, "\(key)") }
    }
}

@Suite struct AudioOptionsCodingTests {
    func decode(_ json: String) throws -> AudioOptions {
        try JSONDecoder().decode(AudioOptions.self, from: Data(json.utf8))
    }

    @Test func presetThenOverrides() throws {
        let o = try decode(#"{"preset": "kaldi", "n_mels": 40, "pooling": ["mean", "p90"], "db": {"top_db": 60}}"#)
        var expected = AudioOptions(preset: .kaldi)
        expected.nMels = 40
        expected.pooling = [.mean, .percentile(90)]
        expected.db.topDB = 60  // the preset's ref and amin stay, as in the pipeline file
        #expect(o == expected)
        #expect(try decode("{}") == AudioOptions())
    }

    @Test func explicitNullMeansNone() throws {
        let o = try decode(#"{"max_seconds": null, "duration": 30, "fmax": null, "db": {"top_db": null}}"#)
        #expect(o.maxSeconds == nil && o.duration == 30 && o.fmax == nil && o.db.topDB == nil)
    }

    @Test func roundTripKeepsEverything() throws {
        var o = AudioOptions(preset: .kaldi)
        o.maxSeconds = nil; o.deltas = 2; o.pooling = [.std, .percentile(12.5)]
        let data = try JSONEncoder().encode(o)
        #expect(try JSONDecoder().decode(AudioOptions.self, from: data) == o)
        #expect(String(decoding: data, as: UTF8.self).contains(#""n_fft":512"#))
    }

    @Test func encodedBytesStayTheSame() throws {
        var o = AudioOptions(preset: .kaldi)
        o.maxSeconds = nil
        o.pooling = [.mean, .percentile(12.5)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(o), as: UTF8.self) == #"""
            {"center":false,"channels":"mono","db":{"amin":1.1920928955078125e-07,"ref":1,"top_db":null},"delta_width":9,"deltas":0,"duration":null,"features":"log_mel","fmax":null,"fmin":20,"framing":"kaldi","hop":160,"lifter":0,"max_bytes":1073741824,"max_channels":64,"max_seconds":null,"mel_norm":"none","mel_scale":"kaldi","mfcc_norm":"ortho","n_fft":512,"n_mels":80,"n_mfcc":20,"offset":0,"pad_mode":"constant","pooling":["mean","p12.5"],"power":2,"pre_emphasis":0.97,"preset":"kaldi","remove_dc":true,"resample_quality":"hq","sample_rate":16000,"win_length":400,"window":"povey"}
            """#)
    }

    /// `mfcc_norm: none` is scipy's unnormalised DCT-II: each coefficient is the orthonormal one
    /// times 2√N (c₀) or √(2N), with N mel bands; the default stays orthonormal.
    @Test func mfccNormNoneIsTheUnnormalisedDCT() throws {
        let plain = try decode(#"{"n_mels": 40, "n_mfcc": 13, "mfcc_norm": "none"}"#)
        #expect(plain.mfccNorm == .none && AudioOptions().mfccNorm == .ortho)
        #expect(plain.validate().isEmpty)
        var ortho = plain
        ortho.mfccNorm = .ortho
        let (a, b) = (MFCC(options: ortho).basis.storage, MFCC(options: plain).basis.storage)
        for k in 0..<13 {
            let ratio = Float(k == 0 ? 2 * 40.0.squareRoot() : (2 * 40.0).squareRoot())
            for n in 0..<40 { #expect(abs(b[k * 40 + n] - ratio * a[k * 40 + n]) <= 1e-5, "k \(k), n \(n)") }
        }
        #expect(throws: DecodingError.self) { try decode(#"{"mfcc_norm": "l2"}"#) }
    }

    @Test func unknownValuesAreRejectedWithTheirKey() {
        #expect(throws: DecodingError.self) { try decode(#"{"pooling": ["mean", "median"]}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"window": "blackman"}"#) }
        #expect(PoolingStatistic(name: "p101") == nil && PoolingStatistic(name: "p37.5") == .percentile(37.5))
    }
}
