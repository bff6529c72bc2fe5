import CImageCodecs
import TensorCore

/// PNG through libpng: every colour type and bit depth, palettes, tRNS, Adam7.
///
/// libpng expands everything to 8-bit RGB or RGBA (palette → RGB, gray 1/2/4 → 8 bits scaled
/// to 0...255, tRNS → alpha, 16 bits → high byte, gray → RGB); alpha is then composited on the
/// background. Gamma (gAMA, sRGB, iCCP) is ignored, as Pillow does. CRC checks stay on: a bad
/// CRC in a critical chunk is an error, in an ancillary chunk a warning.
enum PNGDecoding {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: ImageOptions, source: String) throws(ItemError)
        -> (RGBImage, ImageInfo, ExifOrientation)
    {
        // The pixel cap is checked on the IHDR bytes first, whatever follows them.
        if let (w, h) = headerSize(bytes), UInt64(w) * UInt64(h) > UInt64(options.maxPixels) {  // each side < 2^32
            throw .tooManyPixels(source, format: .png, width: w, height: h, limit: options.maxPixels)
        }
        var header = ic_info()
        var err = ic_error()
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard let decoder = ic_png_open(base, bytes.count, UInt64(options.maxPixels), &header, &err) else {
            if err.status == Int32(IC_TOO_LARGE) {
                throw .tooManyPixels(source, format: .png, width: Int(header.width), height: Int(header.height),
                                     limit: options.maxPixels)
            }
            throw .codec(err.status, message: codecMessage(err), format: .png, source: source)
        }
        defer { ic_png_close(decoder) }
        let w = Int(header.width), h = Int(header.height), channels = Int(header.output_channels)
        let raw = [UInt8](unsafeUninitializedCapacity: w * h * channels) { buffer, count in
            _ = ic_png_read(decoder, buffer.baseAddress, &err)
            count = w * h * channels
        }
        if err.status != Int32(IC_OK) { throw .codec(err.status, message: codecMessage(err), format: .png, source: source) }

        var exifLength: UInt32 = 0
        var orientation = ExifOrientation.normal
        if let exif = ic_png_exif(decoder, &exifLength), exifLength > 0 {
            orientation = ExifOrientation.read(tiff: UnsafeBufferPointer(start: exif, count: Int(exifLength)))
        }
        let rgb = channels == 4 ? PixelConversion.compositedRGB(raw, background: options.background) : raw
        let info = ImageInfo(
            format: .png, storedWidth: w, storedHeight: h, channels: Int(header.channels),
            bitDepth: Int(header.bit_depth), colorModel: colorModel(Int32(header.color_type)),
            hasAlpha: header.has_transparency != 0, interlaced: header.interlaced != 0,
            orientation: orientation.rawValue, orientationApplied: false, scaleDenominator: 1,
            arithmeticCoding: false, restartInterval: 0, subsampling: nil,
            warnings: Int(ic_png_warnings(decoder)), firstWarning: nil)
        return (RGBImage(width: w, height: h, pixels: rgb), info, orientation)
    }

    /// Width and height from the IHDR chunk, which the PNG spec requires to come first.
    static func headerSize(_ bytes: UnsafeRawBufferPointer) -> (Int, Int)? {
        guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        let be = { (at: Int) in (0..<4).reduce(0) { $0 << 8 | Int(bytes[at + $1]) } }
        return (be(16), be(20))
    }

    /// PNG colour types (PNG spec §11.2.2).
    static func colorModel(_ type: Int32) -> String {
        switch type {
        case 0: "gray"
        case 2: "rgb"
        case 3: "palette"
        case 4: "gray_alpha"
        case 6: "rgba"
        default: "unknown"
        }
    }
}

/// The NUL-terminated message of a C codec error.
func codecMessage(_ err: ic_error) -> String {
    withUnsafeBytes(of: err.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
