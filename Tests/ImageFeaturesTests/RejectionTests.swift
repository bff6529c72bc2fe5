import Foundation
import ImageFeatures
import TensorCore
import TestSupport
import Testing

/// Broken files each give their own failure class and a message naming the file and the problem.
@Suite struct RejectionTests {
    static let rejected = DecodeGolden.shared.rejected + WebPGolden.shared.rejected

    @Test(arguments: rejected.map(\.file))
    func brokenFileIsRejectedWithItsReason(file: String) throws {
        let expected = try #require(Self.rejected.first { $0.file == file })
        let url = Media.url(file)
        let error = try #require(throws: ItemError.self) { try ImageDecoder().decode(contentsOf: url) }
        #expect(error.failureClass.rawValue == expected.error_class, "\(file): \(error.description)")
        #expect(error.message.contains(expected.message_contains), "\(file): \(error.message)")
        #expect(error.message.hasPrefix(url.path))
        #expect(error.message.contains(" (hint: ") && error.message.hasSuffix(")"), "a hint ends every message: \(error.message)")
    }

    /// What the bytes are decides, never the name: audio, a PDF and random bytes named .png are
    /// refused with what they are.
    @Test func otherFilesGivenAsImagesSayWhatTheyAre() throws {
        let wav = Array(try Data(contentsOf: Repository.fixture("media/audio/noise_8000_mono.wav")))
        for (bytes, words) in [(wav, "the file is WAV audio, not an image"),
                               (Array("%PDF-1.4\n".utf8), "neither an image nor audio: a PDF document"),
                               ([0x42, 0x4D, 0x3A, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 60), "BMP is not supported: convert it to PNG"),
                               ([0x13, 0x37, 0x00, 0xFE], "neither an image nor audio: unrecognised bytes (starts with 13 37 00 FE)")] {
            let error = try #require(throws: ItemError.self) { try ImageDecoder().decode(bytes, source: "item.png") }
            #expect(error.failureClass == .unsupported && error.message.hasPrefix("item.png: \(words) (hint: "), "\(error.message)")
        }
    }

    @Test func missingFile() throws {
        let error = try #require(throws: ItemError.self) {
            try ImageDecoder().decode(contentsOf: Media.url("no_such_file.png"))
        }
        #expect(error.failureClass == .missing)
    }

    @Test func directoryIsNotAnImage() throws {
        let error = try #require(throws: ItemError.self) { try ImageDecoder().decode(contentsOf: Media.url("")) }
        #expect(error.failureClass == .unsupported && error.message.contains("a directory, not a file"), "\(error.message)")
    }

    @Test func pixelCapIsCheckedAgainstTheHeader() throws {
        var options = ImageOptions()
        options.maxPixels = 29 * 19 - 1
        for file in ["png_rgb8.png", "jpeg_baseline_420.jpg"] {
            let error = try #require(throws: ItemError.self) {
                try ImageDecoder(options: options).decode(contentsOf: Media.url(file))
            }
            #expect(error.failureClass == .tooLarge, "\(file): \(error)")
        }
        options.maxPixels = 29 * 19
        #expect(throws: Never.self) { try ImageDecoder(options: options).decode(contentsOf: Media.url("png_rgb8.png")) }
    }

    /// Found by fuzzing: width × height of a 4294967295 × 4294967295 IHDR overflowed Int.
    @Test func largestPossibleHeaderIsTooLargeNotACrash() throws {
        var png = Array(try Data(contentsOf: Media.url("png_rgb8.png")))
        for i in 16..<24 { png[i] = 0xFF }
        let error = try #require(throws: ItemError.self) { try ImageDecoder().decode(png, source: "max.png") }
        #expect(error.failureClass == .tooLarge && error.message.contains("4294967295×4294967295"), "\(error)")
    }

    @Test func byteCapIsCheckedBeforeReading() throws {
        var options = ImageOptions()
        options.maxBytes = 100
        let error = try #require(throws: ItemError.self) {
            try ImageDecoder(options: options).decode(contentsOf: Media.url("png_rgb8.png"))
        }
        #expect(error.failureClass == .tooLarge && error.message.contains("max_bytes"))
    }

    /// Every prefix of a PNG and a JPEG is rejected, never a crash, and a prefix that cuts into
    /// the second half of the file is `truncated`. (Only the EOI marker may go: jpeg_missing_eoi.jpg.)
    @Test func everyTruncationIsHandled() throws {
        for file in ["png_rgb8_adam7.png", "jpeg_progressive.jpg", "jpeg_baseline_420.jpg", "jpeg_arithmetic.jpg"] {
            let bytes = try [UInt8](Data(contentsOf: Media.url(file)))
            for length in Swift.stride(from: 0, to: bytes.count - 2, by: max(1, bytes.count / 97)) {
                do {
                    _ = try ImageDecoder().decode(Array(bytes[..<length]), source: file)
                    Issue.record("\(file) cut at \(length) of \(bytes.count) decoded")
                } catch let error as ItemError {
                    let allowed: Set<FailureClass> = length == 0 ? [.empty] : [.truncated, .corrupt]
                    #expect(allowed.contains(error.failureClass), "\(file) at \(length): \(error)")
                    if length > bytes.count / 2 { #expect(error.failureClass == .truncated, "\(file) at \(length): \(error)") }
                }
            }
        }
    }

    /// Random byte flips never crash the process; the result is a decoded image or an ItemError.
    @Test func corruptedBytesNeverCrash() throws {
        var rng = SeededGenerator(seed: 11)
        for file in ["png_palette8_trns.png", "jpeg_progressive.jpg", "jpeg_ycck.jpg", "jpeg_arithmetic_progressive.jpg"] {
            let original = try [UInt8](Data(contentsOf: Media.url(file)))
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<4 { bytes[8 + rng.nextInt(below: bytes.count - 8)] = UInt8(rng.nextInt(below: 256)) }
                do { _ = try ImageDecoder().decode(bytes, source: file) } catch is ItemError {}
            }
        }
    }
}
