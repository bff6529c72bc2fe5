/// An 8-bit RGB image: rows top to bottom, pixels interleaved R, G, B (HWC, no padding).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height · width · 3` bytes; pixel (x, y) channel c is at `(y · width + x) · 3 + c`.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage \(width)×\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Mean of each channel on the 0...255 scale, accumulated exactly in integers.
    public func meanRGB() -> [Double] {
        var sums = [UInt64](repeating: 0, count: 3)
        pixels.withUnsafeBufferPointer { p in
            var r: UInt64 = 0, g: UInt64 = 0, b: UInt64 = 0
            var i = 0
            while i < p.count {
                r &+= UInt64(p[i]); g &+= UInt64(p[i + 1]); b &+= UInt64(p[i + 2])
                i += 3
            }
            sums = [r, g, b]
        }
        let n = Double(max(width * height, 1))
        return sums.map { Double($0) / n }
    }
}

/// Metadata of a decoded image: what the file says, and what the decoder did with it.
public struct ImageInfo: Sendable, Codable, Equatable {
    public var format: ImageFormat
    /// Size as stored in the file, before the EXIF orientation is applied.
    public var storedWidth: Int
    public var storedHeight: Int
    /// Channels in the file: 1 (gray or palette index), 2 (gray + alpha), 3 (RGB, YCbCr, WebP), 4 (RGBA, CMYK,
    /// YCCK, WebP with alpha).
    public var channels: Int
    /// Bits per sample in the file (PNG 1, 2, 4, 8, 16; palette index depth for palette PNGs; JPEG and WebP 8).
    public var bitDepth: Int
    /// How the file stores colour: gray, gray_alpha, rgb, rgba, palette (PNG); gray, ycbcr, rgb, cmyk, ycck (JPEG);
    /// lossy (VP8, YUV 4:2:0) or lossless (VP8L, ARGB) for WebP (of the first frame of an animation).
    public var colorModel: String
    /// Whether the file carries transparency (alpha channel or tRNS), composited on the background.
    public var hasAlpha: Bool
    /// Adam7 interlaced PNG, or progressive JPEG.
    public var interlaced: Bool
    /// EXIF orientation tag, 1...8 (1 when absent or invalid).
    public var orientation: Int
    /// Whether `orientation` was applied to the pixels.
    public var orientationApplied: Bool
    /// JPEG DCT scale denominator used (1, 2, 4 or 8); 1 for PNG.
    public var scaleDenominator: Int
    /// JPEG only: arithmetic coding, restart interval (MCUs, 0 = none); chroma subsampling ("4:2:0", …; lossy WebP 4:2:0).
    public var arithmeticCoding: Bool
    public var restartInterval: Int
    public var subsampling: String?
    /// Warnings the library emitted and decoded through (e.g. extraneous bytes before a marker).
    public var warnings: Int
    public var firstWarning: String?
    /// Frames in the file: more than 1 for an animated WebP, of which the first is decoded; 1 otherwise.
    public var frames: Int = 1
}

/// A decoded image and its metadata. The pixels are oriented when `info.orientationApplied`.
public struct DecodedImage: Sendable, Equatable {
    public var image: RGBImage
    public var info: ImageInfo
}
