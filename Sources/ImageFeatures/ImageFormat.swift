import TensorCore

/// Image formats this module decodes, recognised by their magic bytes, never by the file name.
public enum ImageFormat: String, Sendable, Codable, Equatable {
    case png
    case jpeg
    case webp

    var displayName: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .webp: "WebP"
        }
    }

    /// PNG signature (RFC 2083 §3.1).
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The format of `bytes`, or an error that says what the file looks like instead.
    ///
    /// JPEG: SOI (FF D8) followed by a marker byte FF. PNG: the 8-byte signature; a signature
    /// whose line-ending bytes were rewritten (text-mode transfer) is `corrupt`, not `unsupported`.
    /// WebP: "RIFF", a size, "WEBP".
    static func sniff(_ bytes: UnsafeRawBufferPointer, source: String) throws(ImageError) -> ImageFormat {
        if bytes.isEmpty { throw .empty(source) }
        let head = Array(bytes.prefix(16))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        if head.starts(with: pngSignature) { return .png }
        if head.count >= 12, head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        if head.count >= 4, head[0] == 0x89, head[1...3].elementsEqual("PNG".utf8) {
            throw ImageError(.corrupt, source: source, detail: "the PNG signature is damaged (bytes \(hex(head.prefix(8))))",
                             hint: "the file was probably transferred in text mode; transfer it again as binary")
        }
        if head.count >= 2, head[0] == 0xFF, head[1] == 0xD8 {
            throw ImageError(.corrupt, source: source, detail: "JPEG start-of-image marker is not followed by a marker",
                             hint: "re-export or re-download the file")
        }
        let kind = otherFormatName(head)
        throw ImageError(.unsupported, source: source,
                         detail: "not a PNG, JPEG or WebP file: the content \(kind) (starts with \(hex(head.prefix(8))))",
                         hint: "convert it to PNG, JPEG or WebP; the format is read from the bytes, not the file name")
    }

    private static func otherFormatName(_ h: [UInt8]) -> String {
        func starts(_ s: String, at offset: Int = 0) -> Bool {
            let u = Array(s.utf8)
            return h.count >= offset + u.count && Array(h[offset..<(offset + u.count)]) == u
        }
        if starts("GIF87a") || starts("GIF89a") { return "is a GIF image" }
        if starts("BM") { return "looks like a BMP image" }
        if starts("II*\0") || starts("MM\0*") { return "is a TIFF image" }
        if starts("ftyp", at: 4) { return "is an ISO media file (HEIF/AVIF/MP4)" }
        if starts("%PDF") { return "is a PDF document" }
        if starts("\0\0\u{1}\0") { return "looks like an ICO icon" }
        if h.count >= 12, h[0...3] == [0, 0, 0, 0x0C], starts("jP", at: 4) { return "is a JPEG 2000 image" }
        let printable = h.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 >= 0x80 }
        if starts("<?xml") || starts("<svg") { return "is XML or SVG text" }
        return printable ? "looks like text" : "is not a known image format"
    }

    private static func hex<C: Collection<UInt8>>(_ bytes: C) -> String {
        bytes.map { b in
            let s = String(b, radix: 16, uppercase: true)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: " ")
    }
}
