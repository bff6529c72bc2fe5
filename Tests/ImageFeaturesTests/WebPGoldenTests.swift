import Foundation
@testable import ImageFeatures
import TensorCore
import TestSupport
import Testing

/// Every kind of WebP file libwebp writes decodes to exactly Pillow's pixels.
///
/// Exact for lossy files too, so no tolerance: Pillow 13.0.0 bundles libwebp 1.6.0 and this build
/// links Debian's 1.2.4, but VP8 decoding is specified to the bit (RFC 6386: integer transforms and
/// loop filter), and the YUV → RGB conversion and chroma upsampling, which the RFC leaves to the
/// decoder, measured identical: difference 0 on every byte of every file.
@Suite struct WebPGoldenTests {
    static let entries = WebPGolden.shared.images

    @Test(arguments: entries.map(\.file))
    func decodesToPillowsPixels(file: String) throws {
        let entry = try #require(Self.entries.first { $0.file == file })
        let decoded = try ImageDecoder().decode(contentsOf: Media.url(file))
        #expect(decoded.image.width == entry.width && decoded.image.height == entry.height,
                "\(file): \(decoded.image.width)×\(decoded.image.height), Pillow \(entry.width)×\(entry.height)")
        let expected = entry.rgb
        try #require(decoded.image.pixels.count == expected.count)
        let differences = zip(decoded.image.pixels, expected).map { abs(Int($0) - Int($1)) }
        #expect(differences.max() == 0,
                "\(file): \(differences.filter { $0 > 0 }.count) of \(expected.count) bytes differ from Pillow's, by up to \(differences.max() ?? 0)")
    }

    @Test(arguments: entries.map(\.file))
    func reportsWhatTheFileHolds(file: String) throws {
        let entry = try #require(Self.entries.first { $0.file == file })
        let info = try ImageDecoder().decode(contentsOf: Media.url(file)).info
        #expect(info.format == .webp && info.bitDepth == 8 && !info.interlaced && info.scaleDenominator == 1)
        #expect(info.colorModel == entry.color_model, "\(file): \(info.colorModel)")
        #expect(info.hasAlpha == (entry.alpha ?? false) && info.channels == (info.hasAlpha ? 4 : 3), "\(file): alpha \(info.hasAlpha)")
        #expect(info.frames == (entry.frames ?? 1), "\(file): \(info.frames) frames")
        #expect(info.orientation == (entry.orientation ?? 1) && info.orientationApplied == ((entry.orientation ?? 1) != 1))
        #expect(info.subsampling == (entry.color_model == "lossy" ? "4:2:0" : nil))
    }

    /// Decode → resize, the path the pipeline caches, gives Pillow's pixels resized by our
    /// Resampler (itself byte-identical to Pillow's resize, ResizeTests).
    @Test(arguments: ["webp_lossy.webp", "webp_lossless_alpha.webp", "webp_lossless_exif6.webp", "webp_animated_lossy.webp"])
    func resizedLikeThePillowPixels(file: String) throws {
        let entry = try #require(Self.entries.first { $0.file == file })
        let options = ImageOptions(size: [16, 12])
        let resized = try ImagePreprocessor(options: options).resizedImage(contentsOf: Media.url(file))
        let reference = Resampler.resize(RGBImage(width: entry.width, height: entry.height, pixels: entry.rgb),
                                         width: 12, height: 16, filter: options.resize)
        #expect(resized == reference)
    }

    /// The first frame of an animation is what Image.open gives; the other frames differ from it.
    @Test func animationGivesItsFirstFrame() throws {
        let first = try ImageDecoder().decode(contentsOf: Media.url("webp_animated_lossless.webp"))
        #expect(first.info.frames == 2)
        let still = try ImageDecoder().decode(contentsOf: Media.url("webp_lossless.webp"))
        #expect(first.image == still.image, "frame 1 is the still picture; frame 2 is its negative")
    }

    /// Every prefix of a WebP file is rejected (never a crash); past the 12-byte RIFF header,
    /// always as `truncated`: the RIFF size promises more than there is.
    @Test func everyTruncationIsTruncated() throws {
        for file in ["webp_lossy.webp", "webp_lossless_alpha.webp", "webp_animated_lossy.webp"] {
            let bytes = try [UInt8](Data(contentsOf: Media.url(file)))
            for length in Swift.stride(from: 12, to: bytes.count, by: max(1, bytes.count / 97)) {
                do {
                    _ = try ImageDecoder().decode(Array(bytes[..<length]), source: file)
                    Issue.record("\(file) cut at \(length) of \(bytes.count) decoded")
                } catch let error as ItemError {
                    #expect(error.failureClass == .truncated, "\(file) at \(length): \(error)")
                }
            }
        }
    }

    /// Random byte flips after the RIFF header never crash; each gives an image or an ItemError.
    @Test func damagedBytesGiveAnImageOrAClassifiedError() throws {
        var rng = SeededGenerator(seed: 19)
        for file in ["webp_lossy_alpha.webp", "webp_lossless.webp", "webp_animated_lossless.webp"] {
            let bytes = try [UInt8](Data(contentsOf: Media.url(file)))
            for _ in 0..<60 {
                var damaged = bytes
                for _ in 0..<3 { damaged[12 + rng.nextInt(below: bytes.count - 12)] ^= UInt8(1 + rng.nextInt(below: 255)) }
                do {
                    let image = try ImageDecoder().decode(damaged, source: file).image
                    #expect(image.pixels.count == image.width * image.height * 3)
                } catch let error as ItemError {
                    #expect(error.message.hasPrefix(file), "\(error)")
                }
            }
        }
    }

    @Test func pixelCapIsCheckedAgainstTheCanvas() throws {
        var options = ImageOptions()
        options.maxPixels = 39 * 27 - 1
        for file in ["webp_lossy.webp", "webp_lossless.webp", "webp_animated_lossy.webp"] {
            let error = try #require(throws: ItemError.self) { try ImageDecoder(options: options).decode(contentsOf: Media.url(file)) }
            #expect(error.failureClass == .tooLarge && error.message.contains("39×27"), "\(file): \(error)")
        }
        options.maxPixels = 39 * 27
        #expect(throws: Never.self) { try ImageDecoder(options: options).decode(contentsOf: Media.url("webp_animated_lossy.webp")) }
    }
}
