import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct ProbeTests {
    func fields(_ report: AudioProbeReport) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(report.jsonLine().utf8)) as! [String: Any]
    }

    @Test func goodFileReportsHeaderAndRMS() throws {
        let golden = AudioGolden.shared.clips["speech_44100_stereo.flac"]!.decode
        let report = AudioProbe.probe(AudioGolden.clip("speech_44100_stereo.flac"))
        #expect(report.ok && report.format == "FLAC" && report.subtype == "PCM_16")
        #expect(report.sampleRate == 44100 && report.channels == 2 && report.frames == golden.frames)
        #expect(abs(report.rms! - golden.rms) < 1e-7)
        let json = try fields(report)
        for key in ["path", "ok", "format", "sample_rate", "channels", "frames", "rms", "duration"] { #expect(json[key] != nil, "\(key)") }
        #expect(json["error_class"] == nil)
        #expect(!report.jsonLine().contains("\n"))
    }

    @Test func badFilesReportClassAndMessage() throws {
        let text = try AudioDecoderTestFiles.write(Array("hello\n".utf8), name: "text.wav")
        let report = AudioProbe.probe(text)
        #expect(!report.ok && report.errorClass == .unsupported && report.format == nil)
        let json = try fields(report)
        #expect(json["format"] is NSNull)
        #expect(json["error_class"] as? String == "unsupported" && (json["message"] as? String)?.isEmpty == false)

        let cut = Array(AudioDecoderTestFiles.pcm16(frames: 8000).prefix(3000))
        let truncated = AudioProbe.probe(try AudioDecoderTestFiles.write(cut, name: "cut.wav"))
        #expect(truncated.errorClass == .truncated && truncated.format == "WAV")
    }

    @Test func concurrentProbesKeepTheirOwnReasons() throws {
        // libsndfile keeps the reason for a failed open in one global; each report must still be its own.
        let text = try AudioDecoderTestFiles.write(Array("plain text\n".utf8), name: "t.wav")
        let cut = try AudioDecoderTestFiles.write(Array(AudioDecoderTestFiles.pcm16(frames: 8000).prefix(3000)), name: "c.wav")
        let smashed = try AudioDecoderTestFiles.write([UInt8](repeating: 0xEE, count: 12) + Array("RIFFWAVE".utf8), name: "s.wav")
        let urls = Array(repeating: [text, cut, AudioGolden.clip("tone440_8000_mono.ogg"), smashed], count: 10).flatMap { $0 }
        let sequential = urls.map { AudioProbe.probe($0).errorClass }
        let parallel = parallelMap(count: urls.count, threads: 4) { i in AudioProbe.probe(urls[i]).errorClass }
        #expect(parallel == sequential)
        #expect(Set(sequential.compactMap { $0 }).count >= 2)
    }

    @Test func oneBadFileDoesNotStopTheOthers() {
        let urls = [AudioGolden.clip("tone440_8000_mono.au"), URL(fileURLWithPath: "/nonexistent.wav"), AudioGolden.clip("noise_8000_mono.wav")]
        let reports = urls.map { AudioProbe.probe($0) }
        #expect(reports.map(\.ok) == [true, false, true])
        #expect(reports[1].errorClass == .missing)
    }
}
