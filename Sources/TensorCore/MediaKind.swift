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
        let h = Array(head.prefix(headLength))
        func at(_ offset: Int, _ s: String) -> Bool {
            let u = Array(s.utf8)
            return h.count >= offset + u.count && h[offset..<(offset + u.count)].elementsEqual(u)
        }
        func bytes(_ offset: Int, _ b: [UInt8]) -> Bool {
            h.count >= offset + b.count && h[offset..<(offset + b.count)].elementsEqual(b)
        }
        func audio(_ name: String, read: Bool = true) -> MediaKind { MediaKind(.audio, name, decoded: read) }
        func image(_ name: String) -> MediaKind { MediaKind(.image, name, decoded: false) }
        func other(_ name: String) -> MediaKind { MediaKind(.other, name, decoded: false) }

        // Images. PNG and JPEG by their first bytes only: the image decoder tells a damaged
        // signature (text-mode transfer) or a lone SOI marker from a real one and calls it corrupt.
        if bytes(0, [0x89, 0x50, 0x4E, 0x47]) { return .png }
        if bytes(0, [0xFF, 0xD8]) { return .jpeg }
        if at(0, "RIFF") && at(8, "WEBP") { return .webp }
        if at(0, "GIF87a") || at(0, "GIF89a") { return .gif }
        if at(0, "BM") && h.count >= 26 && bytes(6, [0, 0, 0, 0]) { return image("BMP") }  // reserved words are zero
        if at(0, "II*\0") || at(0, "MM\0*") { return image("TIFF") }
        if bytes(0, [0, 0, 0, 0x0C]) && at(4, "jP  ") || bytes(0, [0xFF, 0x4F, 0xFF, 0x51]) { return image("JPEG 2000") }
        if bytes(0, [0xFF, 0x0A]) || bytes(0, [0, 0, 0, 0x0C]) && at(4, "JXL ") { return image("JPEG XL") }
        if bytes(0, [0, 0, 1, 0]) && h.count >= 6 && h[4] > 0 { return image("ICO") }
        if at(0, "8BPS") { return image("PSD") }
        if at(4, "ftyp") {
            let brand = h.count >= 12 ? String(decoding: h[8..<12], as: UTF8.self) : ""
            if ["heic", "heix", "hevc", "mif1", "msf1", "avif", "avis"].contains(brand) { return image("HEIF/AVIF") }
            if ["M4A ", "M4B ", "M4P ", "F4A "].contains(brand) { return audio("MP4/M4A (AAC or ALAC)", read: false) }
            return other("MP4/QuickTime video")
        }

        // Audio: libsndfile 1.2.0's own signature tests (guess_file_type in sndfile.c), and MPEG audio.
        if at(0, "RIFF") || at(0, "RIFX") {
            if at(8, "WAVE") { return audio("WAV") }
            return other(at(8, "AVI ") ? "AVI video" : "RIFF file of type '\(String(decoding: h.dropFirst(8).prefix(4), as: UTF8.self))'")
        }
        if at(0, "RF64") && at(8, "WAVE") { return audio("RF64") }
        if at(0, "riff") { return audio("W64") }
        if at(0, "FORM") && (at(8, "AIFF") || at(8, "AIFC")) { return audio("AIFF") }
        if at(0, "FORM") && (at(8, "8SVX") || at(8, "16SV")) { return audio("IFF/8SVX") }
        if at(0, ".snd") || at(0, "dns.") { return audio("AU") }
        if at(0, "caff") && at(8, "desc") { return audio("CAF") }
        if at(0, "fLaC") { return audio("FLAC") }
        if at(0, "OggS") { return audio("Ogg") }
        if at(0, "ID3") { return audio("MP3") }     // an ID3v2 tag, in front of MPEG audio as a rule
        if at(0, "2BIT") { return audio("AVR") }
        if at(0, " paf") || at(0, "fap ") { return audio("PAF") }
        if at(0, "PVF1") { return audio("PVF") }
        if at(0, "NIST") { return audio("NIST Sphere") }
        if at(0, "Creative") { return audio("VOC") }
        if at(0, "MATLAB 5") { return audio("MAT5") }
        if bytes(0, [0, 0, 3, 0xE8, 0, 0, 0, 1, 0, 0, 0, 1]) || bytes(0, [0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]) { return audio("MAT4") }
        if at(0, "ALawSoundFil") { return audio("WVE") }
        if at(0, "Extended Ins") { return audio("XI") }
        if h.count >= 4 && h[0] == 0xF0 && h[1] == 0x7E && h[2] & 0x80 == 0 && h[3] == 1 { return audio("SDS") }
        if h.count >= 4 && (h[0] == 0x64 && h[1] == 0xA3 && h[2] & 0xF8 == 0 && h[3] == 0
                            || h[0] == 0 && h[1] & 0xF8 == 0 && h[2] == 0xA3 && h[3] == 0x64) { return audio("IRCAM") }
        if h.count >= 4, h[0] == 0xFF, h[1] & 0xE0 == 0xE0 {   // an MPEG audio frame header
            let layer = (h[1] >> 1) & 3, bitrate = h[2] >> 4, rate = (h[2] >> 2) & 3
            if layer == 0 && h[1] & 0xF6 == 0xF0 { return audio("AAC (ADTS)", read: false) }
            if layer != 0 && bitrate != 15 && rate != 3 { return audio("MP3") }
        }

        // Neither.
        if at(0, "%PDF") { return other("PDF document") }
        if at(0, "PK\u{3}\u{4}") { return other("ZIP archive") }
        if bytes(0, [0x1F, 0x8B]) { return other("gzip archive") }
        if bytes(0, [0x1A, 0x45, 0xDF, 0xA3]) { return other("Matroska/WebM video") }
        if bytes(0, [0x7F, 0x45, 0x4C, 0x46]) { return other("ELF executable") }
        return looksLikeText(h) ? .text : .unrecognised
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
