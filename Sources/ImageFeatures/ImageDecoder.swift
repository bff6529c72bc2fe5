import Foundation
import TensorCore

/// Decodes PNG, JPEG and WebP files to 8-bit RGB, choosing the decoder by the magic bytes.
///
/// Thread-safe: every call owns its libpng/libjpeg/libwebp state, so items decode in parallel.
/// Order of checks: the file exists, is not empty and is within `maxBytes`; the magic bytes
/// name PNG, JPEG or WebP (anything else is refused with what it is, `MediaKind`); the header's
/// width × height is within `maxPixels` (before any pixel buffer
/// exists); then the pixels decode, alpha is composited on `background` and the EXIF
/// orientation is applied when `exifOrientation` is on. Every failure is an `ItemError`.
public struct ImageDecoder: Sendable {
    public var options: ImageOptions

    /// `options` must be valid (`options.validate()` empty): the spec checks them first.
    public init(options: ImageOptions = ImageOptions()) {
        precondition(options.background.count == 3 && options.maxPixels > 0 && options.maxBytes > 0,
                     "ImageDecoder: invalid options: \(options.validate())")
        self.options = options
    }

    /// Decodes the file at `url`; its path names the file in errors.
    /// - Parameter minimumSize: upright (height, width) the caller will resize to; lets JPEGs
    ///   decode at a reduced DCT scale that still covers it (PNG and WebP always decode at full
    ///   size). `nil` decodes at full size.
    public func decode(contentsOf url: URL, minimumSize: (height: Int, width: Int)? = nil) throws -> DecodedImage {
        let bytes = try ImageFile.read(url, maxBytes: options.maxBytes)
        return try decode(bytes, source: url.path, minimumSize: minimumSize)
    }

    /// Decodes encoded bytes; `source` names the item in errors.
    public func decode(_ bytes: [UInt8], source: String, minimumSize: (height: Int, width: Int)? = nil) throws -> DecodedImage {
        if bytes.count > options.maxBytes {
            throw MediaFileCheck.tooManyBytes(source, bytes: bytes.count, maxBytes: options.maxBytes, modality: "image")
        }
        return try bytes.withUnsafeBytes { raw throws(ItemError) -> DecodedImage in
            let format = try ImageFormat.sniff(raw, source: source)
            var (image, info, orientation) = switch format {
            case .png: try PNGDecoding.decode(raw, options: options, source: source)
            case .jpeg: try JPEGDecoding.decode(raw, options: options, minimumSize: minimumSize, source: source)
            case .webp: try WebPDecoding.decode(raw, options: options, source: source)
            }
            if options.exifOrientation && orientation != .normal {
                image = orientation.apply(to: image)
                info.orientationApplied = true
            }
            return DecodedImage(image: image, info: info)
        }
    }
}

/// Reading an image file whole, after the checks every media file gets (`MediaFileCheck`).
enum ImageFile {
    static func read(_ url: URL, maxBytes: Int) throws(ItemError) -> [UInt8] {
        let path = url.path
        // Checked before `open`: opening a pipe would wait for a writer.
        let size = try MediaFileCheck.readableSize(path, maxBytes: maxBytes, modality: "image")
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MediaFileCheck.unreadable(path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = Foundation.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : 0; break }
                done += n
            }
            count = done
        }
        if bytes.count < size && failure != 0 { throw MediaFileCheck.unreadable(path, reason: String(cString: strerror(failure))) }
        if bytes.isEmpty { throw MediaFileCheck.emptyFile(path) }
        return bytes
    }
}
