import Foundation

/// Decodes PNG, JPEG and WebP files to 8-bit RGB, choosing the decoder by the magic bytes.
///
/// Thread-safe: every call owns its libpng/libjpeg/libwebp state, so items decode in parallel.
/// Order of checks: the file exists, is not empty and is within `maxBytes`; the magic bytes
/// name PNG, JPEG or WebP (anything else is refused with what it is, `MediaKind`); the header's
/// width × height is within `maxPixels` (before any pixel buffer
/// exists); then the pixels decode, alpha is composited on `background` and the EXIF
/// orientation is applied when `exifOrientation` is on. Every failure is an `ImageError`.
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
        if bytes.count > options.maxBytes { throw ImageError.tooManyBytes(source, bytes: bytes.count, limit: options.maxBytes) }
        return try bytes.withUnsafeBytes { raw throws(ImageError) -> DecodedImage in
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

/// Reading an image file whole, with the checks that come before any decoding.
enum ImageFile {
    static func read(_ url: URL, maxBytes: Int) throws(ImageError) -> [UInt8] {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT || errno == ENOTDIR { throw .missing(path) }
            throw ImageError(.missing, source: path, detail: "cannot open the file: \(reason)", hint: "check its permissions")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ImageError(.missing, source: path, detail: "cannot stat the file: \(String(cString: strerror(errno)))",
                             hint: "check the path")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw ImageError(.missing, source: path, detail: "is a directory, not an image file", hint: "point the catalog at a file")
        }
        let size = Int(st.st_size)
        if size == 0 { throw .empty(path) }
        if size > maxBytes { throw .tooManyBytes(path, bytes: size, limit: maxBytes) }
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
        if bytes.count < size && failure != 0 {
            throw ImageError(.missing, source: path, detail: "read failed: \(String(cString: strerror(failure)))",
                             hint: "check the disk or network share")
        }
        if bytes.isEmpty { throw .empty(path) }
        return bytes
    }
}
