import AudioFeatures
import Foundation
import ImageFeatures

/// `pipeline probe`: what a media file is, decided by its first bytes (never its name).
public enum MediaProbe {
    public struct Result: Sendable {
        public var ok: Bool
        /// One JSON object (the image or audio report's fields).
        public var json: String
        /// One human line.
        public var text: String
    }

    public static func probe(_ url: URL) -> Result {
        if looksLikeImage(url) {
            let r = ImageProbe.probe(url)
            return Result(ok: r.ok, json: jsonLine(r), text: r.summary)
        }
        let r = AudioProbe.probe(url)
        return Result(ok: r.ok, json: r.jsonLine(), text: audioSummary(r))
    }

    /// PNG's signature (also with line ends mangled), JPEG's SOI marker or WebP's RIFF header.
    static func looksLikeImage(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 12)) ?? Data())
        return head.starts(with: [0x89, 0x50, 0x4E, 0x47]) || head.starts(with: [0xFF, 0xD8])
            || head.count == 12 && head[0..<4].elementsEqual("RIFF".utf8) && head[8..<12].elementsEqual("WEBP".utf8)
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
