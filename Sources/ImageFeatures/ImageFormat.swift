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

    /// The format of `bytes`, or an error that says what the file is instead (`MediaKind`).
    ///
    /// JPEG: SOI (FF D8) followed by a marker byte FF. PNG: the 8-byte signature; a signature
    /// whose line-ending bytes were rewritten (text-mode transfer) is `corrupt`, not `unsupported`.
    /// WebP: "RIFF", a size, "WEBP". Other images (GIF, BMP, …), audio and anything else are
    /// `unsupported`, with the same words `pipeline probe` uses.
    static func sniff(_ bytes: UnsafeRawBufferPointer, source: String) throws(ItemError) -> ImageFormat {
        if bytes.isEmpty { throw MediaFileCheck.emptyFile(source) }
        let kind = MediaKind.sniff(bytes)
        switch kind {
        case .png:
            if bytes.starts(with: pngSignature) { return .png }
            throw ItemError(.corrupt, source: source,
                            detail: "the PNG signature is damaged (bytes \(MediaKind.hex(bytes.prefix(8))))",
                            hint: "the file was probably transferred in text mode; transfer it again as binary")
        case .jpeg:
            if bytes.count >= 3 && bytes[2] == 0xFF { return .jpeg }
            throw ItemError(.corrupt, source: source, detail: "JPEG start-of-image marker is not followed by a marker",
                            hint: "re-export or re-download the file")
        case .webp:
            return .webp
        default:
            throw notAnImage(kind, bytes, source: source)
        }
    }

    /// Why `kind` (anything but PNG, JPEG or WebP) is refused as an image.
    static func notAnImage(_ kind: MediaKind, _ bytes: UnsafeRawBufferPointer, source: String) -> ItemError {
        switch kind.family {
        case .image:
            return ItemError(.unsupported, source: source, detail: "\(kind.name) is not supported: convert it to PNG",
                             hint: "images are read as PNG, JPEG or WebP, whichever the bytes are, whatever the file name says")
        case .audio:
            return ItemError(.unsupported, source: source, detail: "the file is \(kind), not an image",
                             hint: "check that the catalog's image column points at the picture")
        case .other, .text, .unrecognised:
            return ItemError(.unsupported, source: source, detail: kind.neitherDetail(bytes), hint: kind.neitherHint)
        }
    }
}
