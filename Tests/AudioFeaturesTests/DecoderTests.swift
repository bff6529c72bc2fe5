import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

/// Decoding every committed clip against python-soundfile's view of it (same libsndfile family).
@Suite struct DecoderTests {
    static let allClips = AudioGolden.shared.clips.keys.sorted()

    @Test(arguments: allClips)
    func headerAndSamplesMatchSoundfile(clip: String) throws {
        let golden = AudioGolden.shared.clips[clip]!.decode
        let audio = try AudioDecoder.decode(AudioGolden.clip(clip))
        #expect(audio.info.format == golden.format)
        #expect(audio.info.subtype == golden.subtype)
        #expect(audio.info.sampleRate == golden.sample_rate && audio.sampleRate == golden.sample_rate)
        #expect(audio.info.channels == golden.channels)
        #expect(audio.channelCount == 1)
        // Lossy codecs decode through libvorbis/libopus/mpg123 float paths that may differ in the last bits
        // between libsndfile builds (python-soundfile bundles its own); PCM, μ-law, ADPCM, FLAC are exact.
        let lossy = ["VORBIS", "OPUS", "MPEG_LAYER_III"].contains(golden.subtype)
        #expect(audio.frameCount == golden.frames)
        let head = Array(audio.samples.prefix(golden.head.count))
        #expect(closeness(head, golden.head, absolute: lossy ? 1e-4 : 0, relative: 0).ok, "head \(head.prefix(4)) vs \(golden.head.prefix(4))")
        #expect(abs(audio.rms - golden.rms) <= (lossy ? 1e-4 : 1e-7) * max(golden.rms, 1e-3))
    }

    @Test(arguments: ["speech_44100_stereo.flac", "chirp_22050_stereo.wav"])
    func offsetAndDurationWindowLikeLibrosaLoad(clip: String) throws {
        let golden = AudioGolden.shared.clips[clip]!.decode.window!
        var options = AudioOptions()
        options.offset = 0.1
        options.duration = 0.2
        let audio = try AudioDecoder.decode(AudioGolden.clip(clip), options: options)
        #expect(audio.frameCount == golden.frames)
        #expect(Array(audio.samples.prefix(8)) == golden.head)
    }

    @Test func channelPoliciesOnThreeChannels() throws {
        let url = AudioGolden.clip("tone440_8000_3ch.wav")
        var options = AudioOptions()
        options.channels = .keep
        let kept = try AudioDecoder.decode(url, options: options)
        options.channels = .first
        let first = try AudioDecoder.decode(url, options: options)
        options.channels = .mono
        let mono = try AudioDecoder.decode(url, options: options)
        #expect(kept.channelCount == 3 && kept.frameCount == 2000)
        #expect(Array(kept.channel(0)) == first.samples)
        for i in stride(from: 0, to: 2000, by: 97) {
            let mean = (kept.channel(0)[i] + kept.channel(1)[i + 2000] + kept.channel(2)[i + 4000]) / 3
            #expect(mono.samples[i] == mean)
        }
        #expect(kept.channel(1).max()! > 0.45)  // the 880 Hz channel is really there
    }

    @Test func decodingFromMemoryEqualsDecodingTheFile() throws {
        let url = AudioGolden.clip("speech_44100_stereo.flac")
        let bytes = try Data(contentsOf: url)
        let fromMemory = try bytes.withUnsafeBytes { try AudioDecoder.decode(bytes: $0, name: "speech.flac") }
        #expect(fromMemory == (try AudioDecoder.decode(url)))
    }

    @Test func longFilesAreReadInBlocksWithoutLoss() throws {
        // 3.5 blocks of a known ramp, written as 32-bit float WAV by hand.
        let frames = AudioDecoderTestFiles.blockFrames * 7 / 2
        let samples = (0..<frames).map { Float($0 % 1000) / 1000 - 0.5 }
        let url = try AudioDecoderTestFiles.floatWAV(samples, sampleRate: 16000)
        let audio = try AudioDecoder.decode(url)
        #expect(audio.samples == samples)
    }

    @Test func infoReadsOnlyTheHeader() throws {
        let info = try AudioDecoder.info(of: AudioGolden.clip("speech_48000_mono.wav"))
        #expect(info == AudioFileInfo(format: "WAV", subtype: "PCM_24", sampleRate: 48000, channels: 1, frames: 24000))
        #expect(info.duration == 0.5)
    }
}
