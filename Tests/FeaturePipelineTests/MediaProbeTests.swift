import FeaturePipeline
import Foundation
import ImageFeatures
import TensorCore
import TestSupport
import Testing

/// `pipeline probe` decides what a file is from its bytes before it picks a decoder, and says what
/// a file is when it is neither an image nor audio instead of quoting libsndfile.
@Suite struct MediaProbeTests {
    static let images = Repository.fixture("media/images")

    func probe(_ url: URL) throws -> (MediaProbe.Result, [String: Any]) {
        let result = MediaProbe.probe(url)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any])
        return (result, json)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = Repository.temporaryDirectory("probe").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func webpIsAnImageWhateverItsName() throws {
        let (still, json) = try probe(Self.images.appendingPathComponent("webp_named_as.png"))
        #expect(still.ok && json["format"] as? String == "webp" && json["color_model"] as? String == "lossy")
        #expect(still.text.contains(": webp 39×27, 3 channels (lossy), 8-bit, orientation 1, mean RGB "), "\(still.text)")
        let (animated, fields) = try probe(Self.images.appendingPathComponent("webp_animated_lossy.webp"))
        #expect(animated.ok && fields["frames"] as? Int == 3 && animated.text.hasSuffix(", first of 3 frames"), "\(animated.text)")
    }

    @Test func gifIsNamedAndRefused() throws {
        let url = Self.images.appendingPathComponent("bad_gif.png")
        let (result, json) = try probe(url)
        #expect(!result.ok && json["error_class"] as? String == "unsupported")
        let message = try #require(json["message"] as? String)
        #expect(message.hasPrefix("\(url.path): GIF is not supported: convert it to PNG (hint: "), "\(message)")
        #expect(result.text == "\(message) [rejected: unsupported]")
    }

    @Test func textAndUnrecognisedBytesAreNeitherImageNorAudio() throws {
        for (name, bytes, words) in [
            ("notes.wav", Array("Track list\n1. Intro — 2:31\n2. Été\n".utf8), "neither an image nor audio: looks like text (hint: "),
            ("blob.png", [0x00, 0x13, 0x37, 0xC0, 0xFF, 0xEE, 0x99, 0x01] + [UInt8](repeating: 0x80, count: 40),
             "neither an image nor audio: unrecognised bytes (starts with 00 13 37 C0 FF EE 99 01) (hint: "),
            ("doc.flac", Array("%PDF-1.7\n%âãÏÓ\n".utf8), "neither an image nor audio: a PDF document (hint: "),
        ] {
            let url = try write(bytes, name)
            let (result, json) = try probe(url)
            #expect(!result.ok && json["error_class"] as? String == "unsupported", "\(name)")
            let message = try #require(json["message"] as? String)
            #expect(message.hasPrefix("\(url.path): \(words)") && message.hasSuffix(")"), "\(message)")
            #expect(!message.contains("libsndfile:"), "\(message)")
        }
    }

    /// The image modality refuses a GIF or a text file given as an image with probe's very words.
    @Test func imageDecoderSaysWhatProbeSays() throws {
        for name in ["bad_gif.png", "bad_text.png"] {
            let url = Self.images.appendingPathComponent(name)
            let error = try #require(throws: ItemError.self) { try ImageDecoder().decode(contentsOf: url) }
            let (_, json) = try probe(url)
            #expect(error.failureClass == .unsupported && json["message"] as? String == error.message, "\(error.message)")
        }
    }

    @Test func imagesAndAudioInTheWrongPlace() throws {
        let wav = try write(Array(try Data(contentsOf: Repository.fixture("media/audio/noise_8000_mono.wav"))), "noise.png")
        let (audio, json) = try probe(wav)
        #expect(audio.ok && json["format"] as? String == "WAV", "\(audio.text)")
        let png = try write(Array(try Data(contentsOf: Self.images.appendingPathComponent("png_rgb8.png"))), "cover.wav")
        let (image, fields) = try probe(png)
        #expect(image.ok && fields["format"] as? String == "png", "\(image.text)")
    }
}
