import Foundation
import ImageFeatures
import TensorCore
import TestSupport
import Testing

/// `ImageProbe` reports the figures `pipeline probe` prints, with the JSON names the CLI promises.
@Suite struct ProbeTests {
    @Test func goodFileReportsItsFigures() throws {
        let entry = try #require(DecodeGolden.shared.images.first { $0.file == "jpeg_exif_orientation6.jpg" })
        let report = ImageProbe.probe(Media.url(entry.file))
        #expect(report.ok && report.format == "jpeg")
        #expect(report.width == entry.width && report.height == entry.height)
        #expect(report.storedWidth == 48 && report.storedHeight == 32 && report.orientation == 6)
        #expect(report.channels == 3 && report.bitDepth == 8)
        #expect(maxDifference(try #require(report.meanRGB), entry.mean_rgb) <= 0.5)
        #expect(report.errorClass == nil && report.message == nil)
    }

    @Test func jsonUsesTheDocumentedNames() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let good = try JSONSerialization.jsonObject(with: encoder.encode(ImageProbe.probe(Media.url("png_gray16.png")))) as! [String: Any]
        for key in ["path", "ok", "format", "width", "height", "channels", "bit_depth", "orientation", "mean_rgb"] {
            #expect(good[key] != nil, "missing \(key)")
        }
        #expect((good["mean_rgb"] as? [Double])?.count == 3)
        #expect(good["error_class"] == nil)
        let bad = try JSONSerialization.jsonObject(with: encoder.encode(ImageProbe.probe(Media.url("bad_truncated.jpg")))) as! [String: Any]
        #expect(bad["ok"] as? Bool == false && bad["format"] as? String == "jpeg")
        #expect(bad["error_class"] as? String == "truncated")
        #expect((bad["message"] as? String)?.contains("Premature end") == true)
        #expect(bad["width"] == nil)
    }

    @Test func everyRejectedFileGivesAReportNotACrash() throws {
        for entry in RejectionTests.rejected {
            let report = ImageProbe.probe(Media.url(entry.file))
            #expect(!report.ok && report.errorClass?.rawValue == entry.error_class, "\(entry.file): \(report.summary)")
            #expect(report.summary.contains("rejected"))
        }
        let text = ImageProbe.probe(Media.url("bad_text.png"))
        #expect(text.format == "unknown")
    }

    @Test func webpReportsItsFigures() throws {
        let rotated = ImageProbe.probe(Media.url("webp_lossless_exif6.webp"))
        #expect(rotated.ok && rotated.format == "webp" && rotated.colorModel == "lossless" && rotated.frames == 1)
        #expect(rotated.width == 20 && rotated.height == 31 && rotated.storedWidth == 31 && rotated.orientation == 6)
        let animated = ImageProbe.probe(Media.url("webp_animated_lossless.webp"))
        #expect(animated.frames == 2 && animated.summary.hasSuffix("first of 2 frames"), "\(animated.summary)")
        let cut = ImageProbe.probe(Media.url("bad_webp_truncated_lossless.webp"))
        #expect(!cut.ok && cut.format == "webp" && cut.errorClass == .truncated)
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let report = ImageProbe.probe(Media.url("png_palette8_trns.png"))
        let again = try JSONDecoder().decode(ImageProbeReport.self, from: JSONEncoder().encode(report))
        #expect(again == report)
        #expect(report.summary.contains("png 29×19, 1 channel (palette), 8-bit"))
    }
}
