/// What a file holds, judged from its first bytes, never its name.
///
/// One sniffer for `pipeline probe` (which decoder to run), the image decoder (which library, or
/// which words to refuse with) and the audio decoder's error messages. It lives here for the reason
/// `FailureClass` does: the image and audio modules both need it and neither may depend on the other.
///
/// Images: PNG, JPEG and WebP are decoded (ImageFeatures); GIF, BMP, TIFF, HEIF/AVIF, JPEG 2000,
/// JPEG XL, ICO and PSD are named only. Audio: every container of this build's libsndfile 1.2.0
/// that has a signature, tested as libsndfile's own `guess_file_type` tests them (WAV and WAVEX,
/// RF64, W64, AIFF, IFF/8SVX, AU, CAF, FLAC, Ogg, AVR, PAF, PVF, NIST, VOC, IRCAM, MAT4, MAT5,
/// SDS, WVE, XI) plus MPEG audio (an ID3 tag or a frame header); libsndfile also reads HTK,
/// MPC 2000, SD2 and raw files, whose signatures are too weak or absent, so `unrecognised` bytes
/// are still worth offering to libsndfile. MP4/M4A and ADTS AAC are audio libsndfile does not read.
public struct MediaKind: Hashable, Sendable, CustomStringConvertible {
    public enum Family: String, Sendable {
        case image, audio
        /// A known format that is neither: PDF, video, archives.
        case other
        /// Mostly printable UTF-8 (or ASCII) with no signature.
        case text
        /// No signature we know and not text.
        case unrecognised
    }

    public let family: Family
    /// The format's usual name: "PNG", "WebP", "GIF", "WAV", "FLAC", "PDF document", …
    public let name: String
    /// Whether this project decodes it: PNG, JPEG and WebP images; the audio libsndfile reads.
    public let isDecoded: Bool

    public init(_ family: Family, _ name: String, decoded: Bool) {
        self.family = family
        self.name = name
        isDecoded = decoded
    }

    public static let png = MediaKind(.image, "PNG", decoded: true)
    public static let jpeg = MediaKind(.image, "JPEG", decoded: true)
    public static let webp = MediaKind(.image, "WebP", decoded: true)
    public static let gif = MediaKind(.image, "GIF", decoded: false)
    public static let text = MediaKind(.text, "text", decoded: false)
    public static let unrecognised = MediaKind(.unrecognised, "unrecognised bytes", decoded: false)

    /// How many leading bytes `sniff` looks at: signatures need 12, the text test looks at all of them.
    public static let headLength = 512

    /// "a PNG image", "WAV audio", "a PDF document", "text", "unrecognised bytes".
    public var description: String {
        switch family {
        case .image: "a \(name) image"
        case .audio: "\(name) audio"
        case .other: "a" + (name.first.map { "AEIOU".contains($0) } == true ? "n " : " ") + name
        case .text, .unrecognised: name
        }
    }

    /// The kind of a file whose first bytes are `head` (up to `headLength` of them).
    public static func sniff(_ head: UnsafeRawBufferPointer) -> MediaKind {
        let signatures = MediaSignatures(head: Array(head.prefix(headLength)))
        // The order decides: a RIFF file is WebP before it is WAV, AVI or other.
        return signatures.image ?? signatures.isoMedia ?? signatures.audio ?? signatures.neither
            ?? (looksLikeText(signatures.head) ? .text : .unrecognised)
    }

    /// Mostly printable: at least 95 % of the bytes are tabs, line ends, printable ASCII or part of
    /// valid UTF-8 sequences (a sequence cut at the end of the head still counts), and no NUL.
    static func looksLikeText(_ h: [UInt8]) -> Bool {
        guard !h.isEmpty, !h.contains(0) else { return false }
        var printable = 0, i = 0
        while i < h.count {
            let b = h[i]
            if b == 9 || b == 10 || b == 13 || (0x20..<0x7F).contains(b) {
                printable += 1; i += 1; continue
            }
            let length = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0
            let tail = h[(i + 1)..<min(i + max(length, 1), h.count)]
            if length > 0, tail.allSatisfy({ $0 & 0xC0 == 0x80 }) {
                printable += 1 + tail.count; i += 1 + tail.count
            } else {
                i += 1
            }
        }
        return printable * 20 >= h.count * 19
    }

    /// Why a file that is neither an image nor audio cannot be used, in the words `pipeline probe`
    /// and both decoders use: "neither an image nor audio: looks like text", "…: unrecognised bytes
    /// (starts with 00 11 …)", "…: a PDF document".
    public func neitherDetail(_ head: UnsafeRawBufferPointer) -> String {
        switch family {
        case .text: "neither an image nor audio: looks like text"
        case .unrecognised: "neither an image nor audio: unrecognised bytes (starts with \(MediaKind.hex(head.prefix(8))))"
        default: "neither an image nor audio: \(description)"
        }
    }

    /// The hint that goes with `neitherDetail`.
    public var neitherHint: String {
        family == .text
            ? "the file holds text; check that the catalog points at the media file itself"
            : "images are read from PNG, JPEG and WebP, audio from WAV, FLAC, Ogg, MP3 and the other libsndfile formats"
    }

    /// Bytes as "89 50 4E 47".
    public static func hex<C: Collection<UInt8>>(_ bytes: C) -> String {
        bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
