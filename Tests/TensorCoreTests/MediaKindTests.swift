import Foundation
import TensorCore
import TestSupport
import Testing

/// `MediaKind.sniff` names what the committed media fixtures are, whatever their file names say.
@Suite struct MediaKindTests {
    func kind(_ bytes: [UInt8]) -> MediaKind { bytes.withUnsafeBytes { MediaKind.sniff($0) } }

    func kind(of url: URL) throws -> MediaKind { kind(Array(try Data(contentsOf: url).prefix(MediaKind.headLength))) }

    func files(_ folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Repository.fixture(folder), includingPropertiesForKeys: nil)
            .sorted { $0.path < $1.path }
    }

    @Test func imageFixturesAreTheImagesTheirContentSays() throws {
        var seen = Set<String>()
        for url in try files("media/images") where !url.lastPathComponent.hasPrefix("bad_") {
            let expected: MediaKind = switch url.lastPathComponent.prefix(while: { $0 != "_" }) {
            case "png": .png
            case "jpeg": .jpeg
            case "webp": .webp      // also webp_named_as.png
            default: .unrecognised
            }
            #expect(try kind(of: url) == expected, "\(url.lastPathComponent)")
            seen.insert(expected.name)
        }
        #expect(seen == ["PNG", "JPEG", "WebP"])
        #expect(try kind(of: Repository.fixture("media/images/bad_gif.png")) == .gif)
        #expect(try kind(of: Repository.fixture("media/images/bad_text.png")) == .text)
        #expect(try kind(of: Repository.fixture("media/images/bad_signature_crlf.png")) == .png)  // the decoder calls it corrupt
    }

    @Test func audioFixturesAreAudioLibsndfileReads() throws {
        let names = ["wav": "WAV", "flac": "FLAC", "mp3": "MP3", "aiff": "AIFF", "au": "AU", "caf": "CAF",
                     "ogg": "Ogg", "opus": "Ogg", "w64": "W64"]
        for url in try files("media/audio") {
            let k = try kind(of: url)
            #expect(k.family == .audio && k.isDecoded && k.name == names[url.pathExtension], "\(url.lastPathComponent): \(k)")
        }
    }

    @Test func otherFormatsAreNamed() {
        #expect(kind(Array("GIF87a".utf8) + [1, 0, 1, 0]) == .gif)
        #expect(kind(Array("%PDF-1.7\n".utf8)).description == "a PDF document")
        #expect(kind([0, 0, 0, 0x18] + Array("ftypheic".utf8)).description == "a HEIF/AVIF image")
        let m4a = kind([0, 0, 0, 0x20] + Array("ftypM4A isom".utf8))
        #expect(m4a.family == .audio && !m4a.isDecoded)
        #expect(kind(Array("RIFF\u{10}\0\0\0WAVEfmt ".utf8)).name == "WAV")
        #expect(kind(Array("RIFF\u{10}\0\0\0AVI LIST".utf8)).description == "an AVI video")
        #expect(kind([0xFF, 0xFB, 0x90, 0x64]).name == "MP3")       // MPEG-1 layer III frame header
        #expect(kind([0xFF, 0xF1, 0x50, 0x80]).name == "AAC (ADTS)")
        #expect(kind([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
    }

    @Test func textIsMostlyPrintableUTF8() {
        #expect(kind(Array("item_id,title\n1,Crème brûlée 東京\n".utf8)) == .text)
        #expect(kind(Array("naï".utf8).dropLast()) == .text)                  // a sequence cut by the head
        #expect(kind(Array("text with a NUL\0 in it".utf8)) == .unrecognised)
        #expect(kind((0..<200).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }) == .unrecognised)
        #expect(kind(Array(String(repeating: "a", count: 95).utf8) + [UInt8](repeating: 0x81, count: 5)) == .text)
        #expect(kind(Array(String(repeating: "a", count: 90).utf8) + [UInt8](repeating: 0x81, count: 10)) == .unrecognised)
    }

    @Test func neitherMessagesSayWhatTheFileLooksLike() {
        let text = Array("just some notes\n".utf8), noise: [UInt8] = [0x00, 0x13, 0x37, 0x42, 0x99, 0xAB, 0xCD, 0xEF, 0x01]
        #expect(text.withUnsafeBytes { kind(text).neitherDetail($0) } == "neither an image nor audio: looks like text")
        #expect(noise.withUnsafeBytes { kind(noise).neitherDetail($0) }
                == "neither an image nor audio: unrecognised bytes (starts with 00 13 37 42 99 AB CD EF)")
        let pdf = Array("%PDF-1.4".utf8)
        #expect(pdf.withUnsafeBytes { kind(pdf).neitherDetail($0) } == "neither an image nor audio: a PDF document")
    }
}
