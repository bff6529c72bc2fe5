import Foundation
import TensorCore

/// What `pipeline probe` says about one audio file: its header and loudness, or why it was rejected.
///
/// Encodes to the JSON Lines fields of `pipeline probe --json`: `path`, `ok`, `format` (null when
/// the file is not audio libsndfile reads), and on success `subtype`, `sample_rate`, `channels`,
/// `frames`, `duration`, `rms`; on failure `error_class` and `message`.
public struct AudioProbeReport: Sendable, Codable, Equatable {
    public var path: String
    public var ok: Bool
    public var format: String?
    public var subtype: String?
    public var sampleRate: Int?
    public var channels: Int?
    public var frames: Int?
    /// Seconds: frames / sample_rate.
    public var duration: Double?
    /// Root mean square of the mono downmix at the file's own rate, samples in −1…1.
    public var rms: Double?
    public var errorClass: FailureClass?
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case path, ok, format, subtype, sampleRate = "sample_rate", channels, frames, duration, rms
        case errorClass = "error_class", message
    }

    /// Writes `format` always (null when unknown) and the other fields only when present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(ok, forKey: .ok)
        try c.encode(format, forKey: .format)
        try c.encodeIfPresent(subtype, forKey: .subtype)
        try c.encodeIfPresent(sampleRate, forKey: .sampleRate)
        try c.encodeIfPresent(channels, forKey: .channels)
        try c.encodeIfPresent(frames, forKey: .frames)
        try c.encodeIfPresent(duration, forKey: .duration)
        try c.encodeIfPresent(rms, forKey: .rms)
        try c.encodeIfPresent(errorClass, forKey: .errorClass)
        try c.encodeIfPresent(message, forKey: .message)
    }

    /// One compact JSON object with sorted keys (a JSON Lines row).
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Inspects audio files for `pipeline probe`: the whole file is decoded (so damage midway is
/// found), the window options are ignored, the size and duration limits of `options` apply.
public enum AudioProbe {
    public static func probe(_ url: URL, options: AudioOptions = AudioOptions()) -> AudioProbeReport {
        var whole = options
        whole.offset = 0
        whole.duration = nil
        whole.channels = .mono
        var report = AudioProbeReport(path: url.path, ok: false)
        do {
            let audio = try AudioDecoder.decode(url, options: whole)
            report.ok = true
            report.format = audio.info.format
            report.subtype = audio.info.subtype
            report.sampleRate = audio.info.sampleRate
            report.channels = audio.info.channels
            report.frames = audio.frameCount
            report.duration = Double(audio.frameCount) / Double(audio.sampleRate)
            report.rms = audio.rms
        } catch {
            if error is ItemError { report.format = AudioDecoder.formatName(of: url) }
            (report.errorClass, report.message) = ItemError.classify(error, path: url.path)
        }
        return report
    }
}
