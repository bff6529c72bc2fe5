/// The signature tests of `MediaKind.sniff` on a file's first bytes, one family per property; each
/// is nil when none of its signatures matches.
struct MediaSignatures {
    /// Up to `MediaKind.headLength` first bytes.
    let head: [UInt8]

    /// Whether the UTF-8 of `s` is at `offset`.
    func at(_ offset: Int, _ s: String) -> Bool {
        bytes(offset, Array(s.utf8))
    }

    func bytes(_ offset: Int, _ b: [UInt8]) -> Bool {
        head.count >= offset + b.count && head[offset..<(offset + b.count)].elementsEqual(b)
    }

    /// PNG and JPEG by their first bytes only: the image decoder tells a damaged signature
    /// (text-mode transfer) or a lone SOI marker from a real one and calls it corrupt.
    var image: MediaKind? {
        let h = head
        if bytes(0, [0x89, 0x50, 0x4E, 0x47]) { return .png }
        if bytes(0, [0xFF, 0xD8]) { return .jpeg }
        if at(0, "RIFF") && at(8, "WEBP") { return .webp }
        if at(0, "GIF87a") || at(0, "GIF89a") { return .gif }
        if at(0, "BM") && h.count >= 26 && bytes(6, [0, 0, 0, 0]) { return .image("BMP") }  // reserved words are zero
        if at(0, "II*\0") || at(0, "MM\0*") { return .image("TIFF") }
        if bytes(0, [0, 0, 0, 0x0C]) && at(4, "jP  ") || bytes(0, [0xFF, 0x4F, 0xFF, 0x51]) { return .image("JPEG 2000") }
        if bytes(0, [0xFF, 0x0A]) || bytes(0, [0, 0, 0, 0x0C]) && at(4, "JXL ") { return .image("JPEG XL") }
        if bytes(0, [0, 0, 1, 0]) && h.count >= 6 && h[4] > 0 { return .image("ICO") }
        if at(0, "8BPS") { return .image("PSD") }
        return nil
    }

    /// The ISO base media format (`ftyp` box): HEIF/AVIF images, MP4 audio, else video.
    var isoMedia: MediaKind? {
        guard at(4, "ftyp") else { return nil }
        let brand = head.count >= 12 ? String(decoding: head[8..<12], as: UTF8.self) : ""
        if ["heic", "heix", "hevc", "mif1", "msf1", "avif", "avis"].contains(brand) { return .image("HEIF/AVIF") }
        if ["M4A ", "M4B ", "M4P ", "F4A "].contains(brand) { return .audio("MP4/M4A (AAC or ALAC)", read: false) }
        return .other("MP4/QuickTime video")
    }

    /// libsndfile 1.2.0's own signature tests (guess_file_type in sndfile.c), and MPEG audio; a
    /// RIFF file that is not WAV is named as other.
    var audio: MediaKind? {
        let h = head
        if at(0, "RIFF") || at(0, "RIFX") {
            if at(8, "WAVE") { return .audio("WAV") }
            return .other(at(8, "AVI ") ? "AVI video" : "RIFF file of type '\(String(decoding: h.dropFirst(8).prefix(4), as: UTF8.self))'")
        }
        if at(0, "RF64") && at(8, "WAVE") { return .audio("RF64") }
        if at(0, "riff") { return .audio("W64") }
        if at(0, "FORM") && (at(8, "AIFF") || at(8, "AIFC")) { return .audio("AIFF") }
        if at(0, "FORM") && (at(8, "8SVX") || at(8, "16SV")) { return .audio("IFF/8SVX") }
        if at(0, ".snd") || at(0, "dns.") { return .audio("AU") }
        if at(0, "caff") && at(8, "desc") { return .audio("CAF") }
        if at(0, "fLaC") { return .audio("FLAC") }
        if at(0, "OggS") { return .audio("Ogg") }
        if at(0, "ID3") { return .audio("MP3") }     // an ID3v2 tag, in front of MPEG audio as a rule
        if at(0, "2BIT") { return .audio("AVR") }
        if at(0, " paf") || at(0, "fap ") { return .audio("PAF") }
        if at(0, "PVF1") { return .audio("PVF") }
        if at(0, "NIST") { return .audio("NIST Sphere") }
        if at(0, "Creative") { return .audio("VOC") }
        if at(0, "MATLAB 5") { return .audio("MAT5") }
        if bytes(0, [0, 0, 3, 0xE8, 0, 0, 0, 1, 0, 0, 0, 1]) || bytes(0, [0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]) { return .audio("MAT4") }
        if at(0, "ALawSoundFil") { return .audio("WVE") }
        if at(0, "Extended Ins") { return .audio("XI") }
        if h.count >= 4 && h[0] == 0xF0 && h[1] == 0x7E && h[2] & 0x80 == 0 && h[3] == 1 { return .audio("SDS") }
        if h.count >= 4 && (h[0] == 0x64 && h[1] == 0xA3 && h[2] & 0xF8 == 0 && h[3] == 0
                            || h[0] == 0 && h[1] & 0xF8 == 0 && h[2] == 0xA3 && h[3] == 0x64) { return .audio("IRCAM") }
        if h.count >= 4, h[0] == 0xFF, h[1] & 0xE0 == 0xE0 {   // an MPEG audio frame header
            let layer = (h[1] >> 1) & 3, bitrate = h[2] >> 4, rate = (h[2] >> 2) & 3
            if layer == 0 && h[1] & 0xF6 == 0xF0 { return .audio("AAC (ADTS)", read: false) }
            if layer != 0 && bitrate != 15 && rate != 3 { return .audio("MP3") }
        }
        return nil
    }

    /// Known formats that are neither images nor audio.
    var neither: MediaKind? {
        if at(0, "%PDF") { return .other("PDF document") }
        if at(0, "PK\u{3}\u{4}") { return .other("ZIP archive") }
        if bytes(0, [0x1F, 0x8B]) { return .other("gzip archive") }
        if bytes(0, [0x1A, 0x45, 0xDF, 0xA3]) { return .other("Matroska/WebM video") }
        if bytes(0, [0x7F, 0x45, 0x4C, 0x46]) { return .other("ELF executable") }
        return nil
    }
}

extension MediaKind {
    fileprivate static func audio(_ name: String, read: Bool = true) -> MediaKind { MediaKind(.audio, name, decoded: read) }
    fileprivate static func image(_ name: String) -> MediaKind { MediaKind(.image, name, decoded: false) }
    fileprivate static func other(_ name: String) -> MediaKind { MediaKind(.other, name, decoded: false) }
}
