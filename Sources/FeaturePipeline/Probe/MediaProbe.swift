import AudioFeatures
import Foundation
import ImageFeatures
import TensorCore

/// `pipeline probe`: what a media file is, decided by its first bytes (never its name).
///
/// Images (PNG, JPEG, WebP, and the image formats we do not decode, which the image decoder names:
/// "GIF is not supported: convert it to PNG") go to `ImageProbe`; everything else to `AudioProbe`.
/// Bytes without a known signature are still offered to libsndfile (HTK, MPC 2000 and raw files
/// have none); when it refuses them, or they are text or a known non-media format, the audio
/// decoder says "neither an image nor audio: looks like text" / "…: unrecognised bytes (starts
/// with …)" (`MediaKind`) instead of quoting libsndfile.
public enum MediaProbe {
    public struct Result: Sendable {
        public var ok: Bool
        /// One JSON object (the image or audio report's fields).
        public var json: String
        /// One human line.
        public var text: String
    }

    public static func probe(_ url: URL) -> Result {
        if firstBytes(url).withUnsafeBytes({ MediaKind.sniff($0) }).family == .image {
            let r = ImageProbe.probe(url)
            return Result(ok: r.ok, json: jsonLine(r), text: r.summary)
        }
        let r = AudioProbe.probe(url)
        return Result(ok: r.ok, json: r.jsonLine(), text: audioSummary(r))
    }

    /// The first `MediaKind.headLength` bytes, or none when the file cannot be read (the probe
    /// that runs next reports why).
    static func firstBytes(_ url: URL) -> [UInt8] {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: MediaKind.headLength)) ?? Data())
    }

    static func audioSummary(_ r: AudioProbeReport) -> String {
        guard r.ok, let rate = r.sampleRate, let channels = r.channels, let frames = r.frames else {
            return "\(r.message ?? "\(r.path): unreadable") [rejected: \(r.errorClass?.rawValue ?? "error")]"
        }
        let format = [r.format, r.subtype.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        return "\(r.path): \(format), \(rate) Hz, \(channels) channel\(channels == 1 ? "" : "s"), \(frames) frames "
            + String(format: "(%.3f s), RMS %.4f", r.duration ?? 0, r.rms ?? 0)
    }

    static func jsonLine<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
