import CImageCodecs
import CWebP
import TensorCore

/// WebP through libwebp (decoding) and libwebpdemux (the RIFF container): lossy (VP8), lossless
/// (VP8L), with or without alpha, still or animated. An animation gives its first frame, as
/// Pillow's `Image.open` does.
///
/// libwebp reports errors as status codes (no longjmp), so no C shim is needed. Order of checks:
/// the header's canvas size against `maxPixels` (`WebPGetFeatures`, before any pixel buffer); the
/// container (`WebPDemux`: a cut-off file is `truncated`); then the first frame is decoded
/// straight into the canvas: RGB when the file has no alpha, otherwise RGBA composited on the
/// background like PNG. Pillow decodes through `WebPAnimDecoder`, which zero-fills the canvas and
/// decodes the first frame into it without blending; so does this, and pixels outside a first
/// frame smaller than the canvas are transparent (the background), or black in a file without
/// alpha (Pillow's "RGBX"). The EXIF chunk's orientation applies as for JPEG. No reduced decoding:
/// libwebp's scaler is not Pillow's, and Pillow has no `draft()` for WebP.
enum WebPDecoding {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: ImageOptions, source: String) throws(ItemError)
        -> (RGBImage, ImageInfo, ExifOrientation)
    {
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var features = WebPBitstreamFeatures()
        let header = WebPGetFeatures(base, bytes.count, &features)
        guard header == VP8_STATUS_OK else { throw failure(header, "the header", source: source) }
        let w = Int(features.width), h = Int(features.height)
        if UInt64(w) * UInt64(h) > UInt64(options.maxPixels) {
            throw .tooManyPixels(source, format: .webp, width: w, height: h, limit: options.maxPixels)
        }

        var data = WebPData(bytes: base, size: bytes.count)
        guard let demux = WebPDemux(&data) else { throw containerFailure(&data, size: bytes.count, source: source) }
        defer { WebPDemuxDelete(demux) }
        var frame = WebPIterator()
        guard WebPDemuxGetFrame(demux, 1, &frame) != 0 else {
            throw ItemError(.corrupt, source: source, detail: "the WebP file holds no frame", hint: "re-export or re-download the file")
        }
        defer { WebPDemuxReleaseIterator(&frame) }
        let frames = Int(WebPDemuxGetI(demux, WEBP_FF_FRAME_COUNT))
        let orientation = exifOrientation(demux)

        var frameFeatures = WebPBitstreamFeatures()
        _ = WebPGetFeatures(frame.fragment.bytes, frame.fragment.size, &frameFeatures)
        let channels = features.has_alpha != 0 ? 4 : 3
        let (fx, fy) = (Int(frame.x_offset), Int(frame.y_offset))
        let coversCanvas = fx == 0 && fy == 0 && Int(frame.width) == w && Int(frame.height) == h
        var config = WebPDecoderConfig()
        guard WebPInitDecoderConfig(&config) != 0 else {
            throw ItemError(.unsupported, source: source, detail: "libwebp refused its own decoder configuration (ABI mismatch)",
                            hint: "rebuild against the installed libwebp-dev")
        }
        var status = VP8_STATUS_OK
        let canvas = [UInt8](unsafeUninitializedCapacity: w * h * channels) { buffer, count in
            if !coversCanvas { buffer.initialize(repeating: 0) }
            let start = (fy * w + fx) * channels
            config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB
            config.output.is_external_memory = 1
            config.output.u.RGBA.rgba = buffer.baseAddress! + start
            config.output.u.RGBA.stride = Int32(w * channels)
            config.output.u.RGBA.size = buffer.count - start
            status = WebPDecode(frame.fragment.bytes, frame.fragment.size, &config)
            WebPFreeDecBuffer(&config.output)
            count = w * h * channels
        }
        guard status == VP8_STATUS_OK else {
            throw failure(status, frames > 1 ? "the first frame" : "the image data", source: source)
        }
        let rgb = channels == 4 ? PixelConversion.compositedRGB(canvas, background: options.background) : canvas
        let info = ImageInfo(
            format: .webp, storedWidth: w, storedHeight: h, channels: channels, bitDepth: 8,
            colorModel: frameFeatures.format == 2 ? "lossless" : "lossy", hasAlpha: channels == 4, interlaced: false,
            orientation: orientation.rawValue, orientationApplied: false, scaleDenominator: 1,
            arithmeticCoding: false, restartInterval: 0, subsampling: frameFeatures.format == 2 ? nil : "4:2:0",
            warnings: 0, firstWarning: nil, frames: max(frames, 1))
        return (RGBImage(width: w, height: h, pixels: rgb), info, orientation)
    }

    /// The orientation tag of the EXIF chunk (raw TIFF data, or with the "Exif\0\0" prefix some
    /// writers keep); `.normal` without one.
    static func exifOrientation(_ demux: OpaquePointer) -> ExifOrientation {
        var chunk = WebPChunkIterator()
        guard WebPDemuxGetChunk(demux, "EXIF", 1, &chunk) != 0 else { return .normal }
        defer { WebPDemuxReleaseChunkIterator(&chunk) }
        var tiff = UnsafeBufferPointer(start: chunk.chunk.bytes, count: chunk.chunk.size)
        if tiff.starts(with: Array("Exif\0\0".utf8)) { tiff = UnsafeBufferPointer(rebasing: tiff.dropFirst(6)) }
        return ExifOrientation.read(tiff: tiff)
    }

    /// Why the demuxer refused the container: cut off (the RIFF size promises more than the file
    /// holds, or a chunk runs past its end) or malformed.
    static func containerFailure(_ data: inout WebPData, size: Int, source: String) -> ItemError {
        var state = WEBP_DEMUX_PARSE_ERROR
        if let partial = WebPDemuxPartial(&data, &state) { WebPDemuxDelete(partial) }
        let riff = size >= 8 ? (4..<8).reduce(0) { $0 | Int(data.bytes[$1]) << (8 * ($1 - 4)) } + 8 : 0
        if state == WEBP_DEMUX_PARSING_HEADER || state == WEBP_DEMUX_PARSED_HEADER {
            return .codec(Int32(IC_TRUNCATED), message: "the RIFF header promises \(riff) bytes, the file has \(size)",
                          format: .webp, source: source)
        }
        return .codec(Int32(IC_CORRUPT), message: "libwebpdemux cannot parse the RIFF chunks", format: .webp, source: source)
    }

    /// A libwebp status as an ItemError of the matching class.
    static func failure(_ status: VP8StatusCode, _ part: String, source: String) -> ItemError {
        let (code, words): (Int32, String) = switch status {
        case VP8_STATUS_NOT_ENOUGH_DATA, VP8_STATUS_SUSPENDED: (Int32(IC_TRUNCATED), "not enough data")
        case VP8_STATUS_UNSUPPORTED_FEATURE: (Int32(IC_UNSUPPORTED), "unsupported feature")
        case VP8_STATUS_OUT_OF_MEMORY: (Int32(IC_NO_MEMORY), "out of memory")
        case VP8_STATUS_INVALID_PARAM: (Int32(IC_CORRUPT), "invalid parameter")
        default: (Int32(IC_CORRUPT), "bitstream error")
        }
        return .codec(code, message: "libwebp: \(words) in \(part)", format: .webp, source: source)
    }
}
