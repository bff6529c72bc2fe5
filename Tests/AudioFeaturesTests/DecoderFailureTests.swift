import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

/// Ill-formed inputs only: each must end in its own `FailureClass`, with a message naming the file
/// and ending in a hint, quickly, and without allocating what a lying header claims.
@Suite struct DecoderFailureTests {
    typealias Files = AudioDecoderTestFiles

    func failure(_ url: URL, options: AudioOptions = AudioOptions()) -> ItemError? {
        do {
            _ = try AudioDecoder.decode(url, options: options)
            return nil
        } catch let error as ItemError {
            #expect(error.message.hasPrefix(url.path), "message should name the file: \(error.message)")
            #expect(error.message.contains(" (hint: ") && error.message.hasSuffix(")"), "message should end with a hint: \(error.message)")
            return error
        } catch {
            Issue.record("not an ItemError: \(error)")
            return nil
        }
    }

    func cut(_ clip: String, keeping fraction: Double) throws -> URL {
        let bytes = [UInt8](try Data(contentsOf: AudioGolden.clip(clip)))
        return try Files.write(Array(bytes.prefix(Int(Double(bytes.count) * fraction))), name: "cut-\(clip)")
    }

    @Test func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/a.wav")
        #expect(failure(url)?.failureClass == .missing)
    }

    @Test func zeroLengthFile() throws {
        #expect(failure(try Files.write([], name: "zero.wav"))?.failureClass == .empty)
    }

    @Test(arguments: ["speech_48000_mono.wav", "tone440_8000_mono.aiff", "tone440_8000_mono.au",
                      "speech_44100_stereo.flac", "tone440_8000_mono.caf"])
    func truncatedFiles(clip: String) throws {
        let error = failure(try cut(clip, keeping: 0.5))
        #expect(error?.failureClass == .truncated, "\(error?.description ?? "decoded without error")")
    }

    @Test(arguments: ["tone440_8000_mono.ogg", "tone440_8000_mono.opus"])
    func truncatedOggIsReportedNotShortened(clip: String) throws {
        let error = failure(try cut(clip, keeping: 0.5))
        #expect(error.map { [.truncated, .corrupt].contains($0.failureClass) } == true, "\(error?.description ?? "decoded without error")")
    }

    @Test func headerOnlyWAV() throws {
        let header = Array(Files.pcm16(frames: 8000).prefix(44))
        #expect(failure(try Files.write(header, name: "header-only.wav"))?.failureClass == .truncated)
    }

    @Test func unfinalisedRecordingIsNotCalledEmpty() throws {
        var bytes = Files.pcm16(frames: 4000)
        bytes.replaceSubrange(40..<44, with: [0, 0, 0, 0])  // data size never written back
        let error = failure(try Files.write(bytes, name: "unfinalised.wav"))
        #expect(error?.failureClass == .corrupt && error?.message.contains("finalised") == true)
        // A genuinely empty data chunk stays `empty`.
        let empty = failure(try Files.write(Files.pcm16(frames: 0), name: "no-frames.wav"))
        #expect(empty?.failureClass == .empty)
    }

    @Test func wavHeaderClaiming2To31Frames() throws {
        // 8-bit mono: 2^31 data bytes are 2^31 frames; the file holds 1000 of them.
        var bytes = Files.wavHeader(channels: 1, sampleRate: 8000, bitsPerSample: 8, dataBytes: 1 << 31)
        bytes += (0..<1000).map { UInt8(128 + Int(40 * sin(Double($0) * 0.2))) }
        let url = try Files.write(bytes, name: "claims-2g.wav")
        var unlimited = AudioOptions()
        unlimited.maxSeconds = nil
        for options in [AudioOptions(), unlimited] {
            let error = failure(url, options: options)
            #expect(error?.failureClass == .truncated)
            #expect(error?.message.contains("2147483648") == true, "\(error?.message ?? "")")
        }
    }

    @Test func flacStreamInfoClaiming2To31Frames() throws {
        // STREAMINFO total samples (36 bits at byte 8+13..17 of the block) rewritten to 2^31.
        var bytes = [UInt8](try Data(contentsOf: AudioGolden.clip("speech_44100_stereo.flac")))
        let total: UInt64 = 1 << 31, at = 8 + 13
        bytes[at] = (bytes[at] & 0xF0) | UInt8((total >> 32) & 0x0F)
        for i in 0..<4 { bytes[at + 1 + i] = UInt8((total >> (8 * (3 - UInt64(i)))) & 0xFF) }
        let url = try Files.write(bytes, name: "claims-2g.flac")
        #expect(failure(url)?.failureClass == .tooLong)  // refused from the header: 48 695 s > 600 s
        var unlimited = AudioOptions()
        unlimited.maxSeconds = nil
        let error = failure(url, options: unlimited)  // read what is there, then report the shortfall
        #expect(error?.failureClass == .truncated, "\(error?.description ?? "decoded without error")")
    }

    @Test func wavHeaderWith65535Channels() throws {
        let bytes = Files.wavHeader(channels: 65535, sampleRate: 8000, bitsPerSample: 16, dataBytes: 65535 * 2 * 10)
            + [UInt8](repeating: 0, count: 65535 * 2 * 10)
        #expect(failure(try Files.write(bytes, name: "65535ch.wav"))?.failureClass == .tooLarge)
    }

    @Test func textFileNamedWav() throws {
        let text = Array(String(repeating: "this is not audio, just text\n", count: 20).utf8)
        let error = failure(try Files.write(text, name: "notes.wav"))
        #expect(error?.failureClass == .unsupported)
        #expect(error?.message.contains("text") == true)
    }

    @Test func otherNonAudio() throws {
        var rng = SeededGenerator(seed: 5)
        let noise = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        #expect(failure(try Files.write(noise, name: "noise.wav"))?.failureClass == .unsupported)
        let mp4 = [0, 0, 0, 0x20] + Array("ftypM4A isomiso2".utf8) + [UInt8](repeating: 0, count: 100)
        let error = failure(try Files.write(mp4, name: "song.m4a"))
        #expect(error?.failureClass == .unsupported && error?.message.contains("MP4") == true)
        #expect(failure(Repository.temporaryDirectory("dir"))?.failureClass == .unsupported)
    }

    @Test func damagedHeaderIsCorrupt() throws {
        var bytes = Files.pcm16(frames: 800)
        bytes.replaceSubrange(12..<36, with: [UInt8](repeating: 0xEE, count: 24))  // fmt chunk smashed
        #expect(failure(try Files.write(bytes, name: "smashed.wav"))?.failureClass == .corrupt)
    }

    @Test func flacDamagedMidwayIsReportedNotShortened() throws {
        var bytes = [UInt8](try Data(contentsOf: AudioGolden.clip("speech_44100_stereo.flac")))
        for i in (bytes.count / 2)..<(bytes.count / 2 + 200) { bytes[i] ^= 0x5A }
        let error = failure(try Files.write(bytes, name: "damaged.flac"))
        #expect(error.map { [.truncated, .corrupt].contains($0.failureClass) } == true, "\(error?.description ?? "decoded without error")")
    }

    @Test func configuredLimits() throws {
        let clip = AudioGolden.clip("tone440_8000_3ch.wav")  // 0.25 s, 3 channels, 12044 bytes
        var o = AudioOptions()
        o.maxChannels = 2
        #expect(failure(clip, options: o)?.failureClass == .tooLarge)
        o = AudioOptions()
        o.maxBytes = 12000
        #expect(failure(clip, options: o)?.failureClass == .tooLarge)
        o = AudioOptions()
        o.maxSeconds = 0.2
        #expect(failure(clip, options: o)?.failureClass == .tooLong)
        o.duration = 0.1  // a window within the limit is fine
        #expect(try AudioDecoder.decode(clip, options: o).frameCount == 800)
        o = AudioOptions()
        o.offset = 1
        #expect(failure(clip, options: o)?.failureClass == .empty)
    }

    @Test func tooShortForOneFrameWithoutCentering() throws {
        var o = AudioOptions()
        o.center = false
        let url = try Files.write(Files.pcm16(frames: 500, sampleRate: 22050), name: "short.wav")
        let extractor = try AudioFeatureExtractor(options: o)
        #expect(throws: ItemError.self) { try extractor.extract(url) }
        do { _ = try extractor.extract(url) } catch let e as ItemError { #expect(e.failureClass == .empty) }
    }
}
