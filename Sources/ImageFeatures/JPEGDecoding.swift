import CImageCodecs
import TensorCore

/// JPEG through libjpeg-turbo's libjpeg API (with a setjmp shim, see docs/images.md).
///
/// Baseline, progressive, arithmetic coding, restart markers, every chroma subsampling,
/// grayscale, RGB, CMYK and YCCK (Adobe-inverted, as Pillow assumes). When `minimumSize` is
/// given and reduced decoding is on, the DCT scale 1/d (d ∈ 8, 4, 2, 1) is the largest with
/// d ≤ min(W / w, H / h), Pillow's `draft()` rule, so the output still covers the target.
enum JPEGDecoding {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: ImageOptions, minimumSize: (height: Int, width: Int)?,
                       source: String) throws(ItemError) -> (RGBImage, ImageInfo, ExifOrientation)
    {
        var header = ic_info()
        var err = ic_error()
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard let decoder = ic_jpeg_open(base, bytes.count, UInt64(options.maxPixels), &header, &err) else {
            if err.status == Int32(IC_TOO_LARGE) {
                throw .tooManyPixels(source, format: .jpeg, width: Int(header.width), height: Int(header.height),
                                     limit: options.maxPixels)
            }
            throw .codec(err.status, message: codecMessage(err), format: .jpeg, source: source)
        }
        defer { ic_jpeg_close(decoder) }

        var exifLength: UInt32 = 0
        var orientation = ExifOrientation.normal
        if let exif = ic_jpeg_exif(decoder, &exifLength), exifLength > 0 {
            orientation = ExifOrientation.read(tiff: UnsafeBufferPointer(start: exif, count: Int(exifLength)))
        }
        var denominator = 1
        if options.reducedDecode, let target = minimumSize {
            // The target is upright; compare it with the stored image in the stored orientation.
            let turned = options.exifOrientation && orientation.swapsAxes
            let (tw, th) = turned ? (target.height, target.width) : (target.width, target.height)
            denominator = scaleDenominator(width: Int(header.width), height: Int(header.height), targetWidth: tw, targetHeight: th)
        }
        var ow: UInt32 = 0, oh: UInt32 = 0
        var channels: Int32 = 0
        guard ic_jpeg_start(decoder, Int32(denominator), 0, &ow, &oh, &channels, &err) == Int32(IC_OK) else {
            throw .codec(err.status, message: codecMessage(err), format: .jpeg, source: source)
        }
        let w = Int(ow), h = Int(oh), c = Int(channels)
        let raw = [UInt8](unsafeUninitializedCapacity: w * h * c) { buffer, count in
            _ = ic_jpeg_read(decoder, buffer.baseAddress, &err)
            count = w * h * c
        }
        if err.status != Int32(IC_OK) { throw .codec(err.status, message: codecMessage(err), format: .jpeg, source: source) }
        let rgb: [UInt8]
        if c == 4 {
            rgb = [UInt8](unsafeUninitializedCapacity: w * h * 3) { out, count in
                raw.withUnsafeBufferPointer { PixelConversion.invertedCMYKToRGB($0, into: out) }
                count = w * h * 3
            }
        } else {
            rgb = raw
        }
        var first = [CChar](repeating: 0, count: 200)
        let warnings = Int(ic_jpeg_warnings(decoder, &first, first.count))
        let info = ImageInfo(
            format: .jpeg, storedWidth: Int(header.width), storedHeight: Int(header.height), channels: Int(header.channels),
            bitDepth: Int(header.bit_depth), colorModel: colorModel(Int32(header.color_type)),
            hasAlpha: false, interlaced: header.interlaced != 0, orientation: orientation.rawValue,
            orientationApplied: false, scaleDenominator: denominator, arithmeticCoding: header.arithmetic != 0,
            restartInterval: Int(header.restart_interval),
            subsampling: subsampling(h: Int(header.max_h_samp), v: Int(header.max_v_samp), channels: Int(header.channels)),
            warnings: warnings,
            firstWarning: warnings > 0 ? String(decoding: first.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil)
        return (RGBImage(width: w, height: h, pixels: rgb), info, orientation)
    }

    /// Largest d in {8, 4, 2, 1} with d ≤ min(W / w, H / h) (integer division), as Pillow's draft().
    static func scaleDenominator(width: Int, height: Int, targetWidth: Int, targetHeight: Int) -> Int {
        let room = min(width / max(targetWidth, 1), height / max(targetHeight, 1))
        return [8, 4, 2, 1].first { $0 <= room } ?? 1
    }

    /// libjpeg's J_COLOR_SPACE of the stream.
    static func colorModel(_ space: Int32) -> String {
        switch space {
        case 1: "gray"
        case 2: "rgb"
        case 3: "ycbcr"
        case 4: "cmyk"
        case 5: "ycck"
        default: "unknown"
        }
    }

    /// Chroma subsampling named by the luma sampling factors (chroma components at 1×1).
    static func subsampling(h: Int, v: Int, channels: Int) -> String? {
        guard channels >= 3 else { return nil }
        switch (h, v) {
        case (1, 1): return "4:4:4"
        case (2, 1): return "4:2:2"
        case (2, 2): return "4:2:0"
        case (1, 2): return "4:4:0"
        case (4, 1): return "4:1:1"
        case (4, 2): return "4:1:0"
        default: return "\(h)x\(v)"
        }
    }
}
