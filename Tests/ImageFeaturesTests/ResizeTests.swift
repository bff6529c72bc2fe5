import Foundation
@testable import ImageFeatures
import TensorCore
import TestSupport
import Testing

/// The resampler reproduces Pillow's `Image.resize` byte for byte, for every filter.
@Suite struct ResizeTests {
    struct Golden: Decodable {
        struct Case: Decodable { let file: String; let width: Int; let height: Int; let filter: String; let pixels: [Int] }
        let cases: [Case]
    }

    static let golden: Golden = try! Repository.golden("image/resize.json")

    @Test(arguments: golden.cases.indices)
    func matchesPillowExactly(index: Int) throws {
        let c = Self.golden.cases[index]
        let source = try ImageDecoder().decode(contentsOf: Media.url(c.file)).image
        let filter = try #require(ResizeFilter(rawValue: c.filter))
        let out = Resampler.resize(source, width: c.width, height: c.height, filter: filter)
        #expect(out.width == c.width && out.height == c.height)
        let mismatches = zip(out.pixels, c.pixels).filter { Int($0) != $1 }.count
        #expect(mismatches == 0, "\(c.file) → \(c.width)×\(c.height) \(c.filter): \(mismatches) bytes differ from Pillow")
    }

    /// The AVX2 passes give the bytes of the scalar passes (which the goldens pin to Pillow): every
    /// filter, shrinking and enlarging, odd sizes, one-row images, saturated and dark pixels.
    @Test(.enabled(if: Resampler.hasVectorKernels, "the vector passes need AVX2"),
          arguments: [ResizeFilter.area, .bilinear, .bicubic, .lanczos])
    func vectorPassesMatchScalarPasses(filter: ResizeFilter) {
        var rng = SeededGenerator(seed: 11)
        // (640, 1) and (1, 200) stay on the scalar rows and tails; (640, 2) and (3, 200) reach the vectors.
        let shapes = [(160, 120, 64, 64), (97, 33, 10, 7), (5, 3, 17, 11), (640, 1, 64, 1), (640, 2, 64, 2), (1, 200, 1, 64),
                      (3, 200, 3, 64), (33, 47, 32, 47)]
        for (w, h, ow, oh) in shapes {
            let pixels = (0..<(w * h * 3)).map { i in UInt8(truncatingIfNeeded: i % 7 == 0 ? 255 : i % 11 == 0 ? 0 : Int(rng.next() % 256)) }
            let image = RGBImage(width: w, height: h, pixels: pixels)
            let vector = Resampler.resize(image, width: ow, height: oh, filter: filter, vectorised: true)
            let scalar = Resampler.resize(image, width: ow, height: oh, filter: filter, vectorised: false)
            #expect(vector == scalar, "\(w)×\(h) → \(ow)×\(oh) \(filter)")
        }
    }

    @Test func sameSizeIsIdentity() throws {
        let source = try ImageDecoder().decode(contentsOf: Media.url("png_rgb8.png")).image
        #expect(Resampler.resize(source, width: 29, height: 19, filter: .lanczos) == source)
    }

    @Test func areaFilterAveragesWholeBlocks() {
        // 4×2 → 2×1 with the box filter: each output is the mean of a 2×2 block.
        let pixels: [UInt8] = [0, 0, 0, 10, 20, 30, 100, 100, 100, 200, 200, 200,
                               20, 40, 60, 30, 60, 90, 0, 0, 0, 100, 100, 100]
        let out = Resampler.resize(RGBImage(width: 4, height: 2, pixels: pixels), width: 2, height: 1, filter: .area)
        #expect(out.pixels == [15, 30, 45, 100, 100, 100])
    }
}

/// Decode → resize → normalise, against Pillow's draft() + resize and the normalisation formula.
@Suite struct PreprocessTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            let file: String; let height: Int; let width: Int; let draft_size: [Int]
            let mean_rgb: [Double]; let block_means: [[Double]]
        }
        let cases: [Case]
    }

    static let golden: Golden = try! Repository.golden("image/preprocess.json")

    @Test(arguments: golden.cases.indices)
    func reducedDecodeThenResizeMatchesPillowDraft(index: Int) throws {
        let c = Self.golden.cases[index]
        var options = ImageOptions()
        options.size = [c.height, c.width]
        let decoded = try ImageDecoder(options: options).decode(contentsOf: Media.url(c.file), minimumSize: (c.height, c.width))
        #expect([decoded.image.width, decoded.image.height] == c.draft_size, "DCT scale 1/\(decoded.info.scaleDenominator)")
        let resized = try ImagePreprocessor(options: options).resizedImage(contentsOf: Media.url(c.file))
        #expect(resized.width == c.width && resized.height == c.height)
        // Pillow's draft mode also switches to fast upsampling; we keep libjpeg's fancy upsampling.
        #expect(maxDifference(resized.meanRGB(), c.mean_rgb) <= 0.5, "\(resized.meanRGB()) vs \(c.mean_rgb)")
        let worst = zip(blockMeans(resized), c.block_means).map { maxDifference($0, $1) }.max() ?? 0
        #expect(worst <= 2, "block means differ by \(worst)")
    }

    @Test func reducedDecodeOffDecodesFullSize() throws {
        var options = ImageOptions()
        options.reducedDecode = false
        let decoded = try ImageDecoder(options: options).decode(contentsOf: Media.url("jpeg_640x480.jpg"), minimumSize: (64, 64))
        #expect(decoded.image.width == 640 && decoded.info.scaleDenominator == 1)
    }

    @Test func scaleFollowsTheUprightTarget() {
        // 640×480 stored, target 100 high × 150 wide: 640/150 = 4, 480/100 = 4 → 1/4.
        #expect(JPEGDecoding.scaleDenominator(width: 640, height: 480, targetWidth: 150, targetHeight: 100) == 4)
        #expect(JPEGDecoding.scaleDenominator(width: 640, height: 480, targetWidth: 64, targetHeight: 64) == 4)
        #expect(JPEGDecoding.scaleDenominator(width: 640, height: 480, targetWidth: 600, targetHeight: 10) == 1)
        #expect(JPEGDecoding.scaleDenominator(width: 4000, height: 3000, targetWidth: 64, targetHeight: 64) == 8)
    }

    @Test func tensorIsNormalisedNHWC() throws {
        let options = ImageOptions(size: [2, 3], mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2])
        let image = RGBImage(width: 3, height: 2, pixels: [0, 255, 51, 255, 0, 102, 128, 64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        let t = ImagePreprocessor(options: options).tensor([image, image])
        #expect(t.shape == [2, 2, 3, 3])
        for (i, v) in image.pixels.enumerated() {
            let c = i % 3
            let expected = (Float(v) / 255 - options.mean[c]) / options.std[c]
            #expect(abs(t.storage[i] - expected) < 1e-6 && abs(t.storage[18 + i] - expected) < 1e-6)
        }
    }
}
