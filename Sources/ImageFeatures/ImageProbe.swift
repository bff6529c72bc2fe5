import Foundation
import TensorCore

/// What `pipeline probe` reports about one image file: the figures, or why it was rejected.
///
/// Encodes as one JSON object with snake_case keys: always `path`, `ok`, `format` ("png", "jpeg",
/// "webp" or "unknown"); on success `width`, `height` (upright, after the EXIF orientation when it
/// is applied), `channels`, `bit_depth`, `orientation`, `mean_rgb` (three numbers, 8-bit scale,
/// after compositing on the background), plus `stored_width`, `stored_height`, `color_model`,
/// `interlaced`, `warnings`, `frames` (more than 1 for an animated WebP, whose first frame is what
/// was decoded); on failure `error_class` (a `FailureClass` raw value) and `message`.
public struct ImageProbeReport: Sendable, Codable, Equatable {
    public var path: String
    public var ok: Bool
    public var format: String
    public var width: Int?
    public var height: Int?
    public var channels: Int?
    public var bitDepth: Int?
    public var orientation: Int?
    public var meanRGB: [Double]?
    public var storedWidth: Int?
    public var storedHeight: Int?
    public var colorModel: String?
    public var interlaced: Bool?
    public var warnings: Int?
    public var frames: Int?
    public var errorClass: FailureClass?
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case path, ok, format, width, height, channels, orientation, interlaced, warnings, frames, message
        case bitDepth = "bit_depth", meanRGB = "mean_rgb", storedWidth = "stored_width", storedHeight = "stored_height"
        case colorModel = "color_model", errorClass = "error_class"
    }

    /// One human-readable line, for the text output of `pipeline probe`.
    public var summary: String {
        guard ok, let width, let height, let channels, let bitDepth, let meanRGB else {
            return "\(message ?? path) [rejected: \(errorClass?.rawValue ?? "error")]"
        }
        let mean = meanRGB.map { String(format: "%.2f", $0) }.joined(separator: " ")
        return "\(path): \(format) \(width)×\(height), \(channels) channel\(channels == 1 ? "" : "s") (\(colorModel ?? "?")), "
            + "\(bitDepth)-bit, orientation \(orientation ?? 1), mean RGB \(mean)"
            + ((frames ?? 1) > 1 ? ", first of \(frames ?? 1) frames" : "")
    }
}

/// Decodes image files fully and reports on them; never throws, one report per file.
public enum ImageProbe {
    /// Decodes `url` at full size with `options` (pixel cap, background, orientation) and reports.
    public static func probe(_ url: URL, options: ImageOptions = ImageOptions()) -> ImageProbeReport {
        var report = ImageProbeReport(path: url.path, ok: false, format: "unknown")
        var bytes: [UInt8] = []
        do {
            bytes = try ImageFile.read(url, maxBytes: options.maxBytes)
            report.format = bytes.withUnsafeBytes { (try? ImageFormat.sniff($0, source: url.path))?.rawValue } ?? "unknown"
            var full = options
            full.reducedDecode = false
            let decoded = try ImageDecoder(options: full).decode(bytes, source: url.path)
            let info = decoded.info
            report.ok = true
            report.width = decoded.image.width
            report.height = decoded.image.height
            report.channels = info.channels
            report.bitDepth = info.bitDepth
            report.orientation = info.orientation
            report.meanRGB = decoded.image.meanRGB()
            report.storedWidth = info.storedWidth
            report.storedHeight = info.storedHeight
            report.colorModel = info.colorModel
            report.interlaced = info.interlaced
            report.warnings = info.warnings
            report.frames = info.frames
        } catch {
            (report.errorClass, report.message) = ItemError.classify(error, path: url.path)
        }
        return report
    }
}
