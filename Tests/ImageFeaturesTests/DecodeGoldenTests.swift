import Foundation
@testable import ImageFeatures
import TensorCore
import TestSupport
import Testing

/// Every variant of the committed corpus decodes to Pillow's size and means (within 0.5; the
/// measured worst case is 5e-5, the rounding of the golden file), and 4×4 block means within 1.
@Suite struct DecodeGoldenTests {
    static let entries = DecodeGolden.shared.images

    @Test(arguments: entries.map(\.file))
    func decodesLikePillow(file: String) throws {
        let entry = try #require(Self.entries.first { $0.file == file })
        let decoded = try ImageDecoder().decode(contentsOf: Media.url(file))
        #expect(decoded.image.width == entry.width && decoded.image.height == entry.height,
                "\(file): \(decoded.image.width)×\(decoded.image.height), Pillow \(entry.width)×\(entry.height)")
        let mean = decoded.image.meanRGB()
        #expect(maxDifference(mean, entry.mean_rgb) <= 0.5, "\(file): mean \(mean), Pillow \(entry.mean_rgb)")
        let blocks = blockMeans(decoded.image)
        let worst = zip(blocks, entry.block_means).map { maxDifference($0, $1) }.max() ?? 0
        #expect(worst <= 1.0, "\(file): block means differ from Pillow's by up to \(worst)")
    }

    @Test(arguments: entries.map(\.file))
    func reportsWhatTheFileHolds(file: String) throws {
        let entry = try #require(Self.entries.first { $0.file == file })
        let info = try ImageDecoder().decode(contentsOf: Media.url(file)).info
        #expect(info.format.rawValue == entry.kind)
        #expect(info.channels == entry.channels, "\(file): channels \(info.channels)")
        #expect(info.bitDepth == entry.bit_depth, "\(file): bit depth \(info.bitDepth)")
        #expect(info.colorModel == entry.color_model, "\(file): colour model \(info.colorModel)")
        #expect(info.interlaced == (entry.interlaced ?? false), "\(file): interlaced \(info.interlaced)")
        #expect(info.hasAlpha == (entry.alpha ?? false), "\(file): alpha \(info.hasAlpha)")
        #expect(info.orientation == (entry.orientation ?? 1), "\(file): orientation \(info.orientation)")
        #expect(info.orientationApplied == ((entry.orientation ?? 1) != 1))
        #expect(info.arithmeticCoding == (entry.arithmetic ?? false), "\(file): arithmetic \(info.arithmeticCoding)")
        #expect((info.restartInterval > 0) == (entry.restart ?? false), "\(file): restart interval \(info.restartInterval)")
        if let subsampling = entry.subsampling { #expect(info.subsampling == subsampling, "\(file): \(info.subsampling ?? "-")") }
        #expect((info.warnings > 0) == (entry.warnings ?? false), "\(file): \(info.warnings) warnings: \(info.firstWarning ?? "")")
    }
}

/// Gamma chunks do not change the pixels (Pillow ignores them too).
@Test func gammaIsIgnored() throws {
    let plain = try ImageDecoder().decode(contentsOf: Media.url("png_rgb8.png"))
    let gamma = try ImageDecoder().decode(contentsOf: Media.url("png_rgb8_gamma.png"))
    #expect(plain.image == gamma.image)
}

/// The EXIF orientation is what makes the block means agree, and it can be switched off.
@Suite struct OrientationTests {
    @Test(arguments: 2...8)
    func ignoringTheTagKeepsTheStoredPixels(orientation: Int) throws {
        let file = "jpeg_exif_orientation\(orientation).jpg"
        let entry = try #require(DecodeGolden.shared.images.first { $0.file == file })
        var options = ImageOptions()
        options.exifOrientation = false
        let stored = try ImageDecoder(options: options).decode(contentsOf: Media.url(file))
        #expect(stored.info.orientation == orientation && !stored.info.orientationApplied)
        #expect(stored.image.width == 48 && stored.image.height == 32)
        let worst = zip(blockMeans(stored.image), entry.block_means).map { maxDifference($0, $1) }.max() ?? 0
        #expect(worst > 20, "orientation \(orientation) unapplied should not look like Pillow's upright image")
        let upright = ExifOrientation(rawValue: orientation)!.apply(to: stored.image)
        #expect(upright == (try ImageDecoder().decode(contentsOf: Media.url(file))).image)
    }

    @Test func exifParserReadsShortAndLongAndRejectsNonsense() {
        func tiff(type: UInt8, value: [UInt8], bigEndian: Bool = false) -> [UInt8] {
            let head: [UInt8] = bigEndian ? [0x4D, 0x4D, 0, 42, 0, 0, 0, 8] : [0x49, 0x49, 42, 0, 8, 0, 0, 0]
            let entry: [UInt8] = bigEndian ? [0, 1, 0x01, 0x12, 0, type, 0, 0, 0, 1] : [1, 0, 0x12, 0x01, type, 0, 1, 0, 0, 0]
            return head + entry + value + [0, 0, 0, 0]
        }
        let read = { (bytes: [UInt8]) in bytes.withUnsafeBufferPointer { ExifOrientation.read(tiff: $0) } }
        #expect(read(tiff(type: 3, value: [6, 0, 0, 0])) == .rotate90)
        #expect(read(tiff(type: 4, value: [8, 0, 0, 0])) == .rotate270)
        #expect(read(tiff(type: 3, value: [0, 3, 0, 0], bigEndian: true)) == .rotate180)
        #expect(read(tiff(type: 3, value: [9, 0, 0, 0])) == .normal)          // out of range
        #expect(read(tiff(type: 2, value: [6, 0, 0, 0])) == .normal)          // ASCII: not an orientation
        #expect(read(Array(tiff(type: 3, value: [6, 0, 0, 0]).prefix(12))) == .normal)  // cut short
        #expect(read([0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0x7F]) == .normal)  // IFD offset past the end
    }

    @Test func orientationsComposeAsTheirGroupSays() {
        var rng = SeededGenerator(seed: 5)
        let image = RGBImage(width: 5, height: 3, pixels: (0..<45).map { _ in UInt8(rng.nextInt(below: 256)) })
        let r90 = ExifOrientation.rotate90, r270 = ExifOrientation.rotate270
        #expect(r270.apply(to: r90.apply(to: image)) == image)
        #expect(ExifOrientation.rotate180.apply(to: image) == r90.apply(to: r90.apply(to: image)))
        #expect(ExifOrientation.transpose.apply(to: ExifOrientation.transpose.apply(to: image)) == image)
        #expect(ExifOrientation.transverse.apply(to: image)
                == ExifOrientation.rotate180.apply(to: ExifOrientation.transpose.apply(to: image)))
    }
}

/// Items decode in parallel: every call owns its libpng/libjpeg/libwebp state.
@Suite struct ConcurrentDecodingTests {
    @Test func parallelDecodesEqualSequentialOnes() async throws {
        let files = DecodeGolden.shared.images.map(\.file) + WebPGolden.shared.images.map(\.file) + RejectionTests.rejected.map(\.file)
        let decode = { @Sendable (file: String) -> String in
            do { return "\(try ImagePreprocessor(options: ImageOptions(size: [16, 16])).resizedImage(contentsOf: Media.url(file)).pixels)" }
            catch { return "\(error)" }
        }
        let sequential = files.map(decode)
        let parallel = await withTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<3 { for (i, f) in files.enumerated() { group.addTask { (i, decode(f)) } } }
            var out = [[String]](repeating: [], count: files.count)
            for await (i, r) in group { out[i].append(r) }
            return out
        }
        for (i, results) in parallel.enumerated() { #expect(results.allSatisfy { $0 == sequential[i] }, "\(files[i])") }
    }
}
