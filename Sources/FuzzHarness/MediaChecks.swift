import AudioFeatures
import Foundation
import ImageFeatures
import TensorCore

/// Invariants of the image and audio decoders on arbitrary bytes.
enum MediaChecks {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// `bytes` as a WebP file: unchanged when they start with "RIFF", a size and "WEBP"; otherwise
    /// wrapped in that header with the size of what follows, so mutations go to the chunks.
    static func riffWebP(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.count >= 12 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WEBP".utf8) { return bytes }
        let size = UInt32(truncatingIfNeeded: bytes.count + 4)
        return Array("RIFF".utf8) + withUnsafeBytes(of: size.littleEndian, Array.init) + Array("WEBP".utf8) + bytes
    }

    /// The pipeline's image options with a lower pixel cap, so that one input cannot spend
    /// seconds on a legitimate 50-megapixel decode (the cap check itself is what is fuzzed).
    static let imageOptions: ImageOptions = {
        var o = ImageOptions(size: [24, 24])
        o.maxPixels = 4_000_000
        return o
    }()

    /// Decodes `bytes` (given the format's signature when they lack it, so mutations are not
    /// spent on the format sniffer) at full scale and through the resize path.
    ///
    /// Invariants: a decoded image is non-empty, within max_pixels and holds width·height·3
    /// bytes; decoding twice gives the same pixels (uninitialised memory would differ); the
    /// resized image has the target size; every rejection is an `ItemError` whose
    /// message names the source.
    static func image(_ input: [UInt8], signature: [UInt8]) -> String? {
        image(input.starts(with: signature) ? input : signature + input)
    }

    /// The invariants above on `bytes` as they are.
    static func image(_ bytes: [UInt8]) -> String? {
        let decoder = ImageDecoder(options: imageOptions)
        do {
            let first = try decoder.decode(bytes, source: "fuzz-input").image
            guard first.width > 0, first.height > 0, first.width * first.height <= imageOptions.maxPixels,
                first.pixels.count == first.width * first.height * 3
            else { return "decoded \(first.width)×\(first.height) with \(first.pixels.count) bytes" }
            let second = try decoder.decode(bytes, source: "fuzz-input").image
            if second.pixels != first.pixels { return "two decodes of the same bytes differ" }
        } catch {
            if let problem = rejection(error) { return problem }
        }
        do {
            let resized = try ImagePreprocessor(options: imageOptions).resizedImage(bytes, source: "fuzz-input")
            if resized.width != 24 || resized.height != 24 || resized.pixels.count != 24 * 24 * 3 {
                return "resized to \(resized.width)×\(resized.height) instead of 24×24"
            }
        } catch {
            if let problem = rejection(error) { return problem }
        }
        return nil
    }

    /// The demo pipeline's audio options, with max_seconds lowered to 60 s so one input stays fast.
    static let audioExtractor: AudioFeatureExtractor = {
        var o = AudioOptions()
        o.sampleRate = 16_000
        o.nFFT = 1024
        o.hop = 256
        o.nMels = 64
        o.maxSeconds = 60
        return try! AudioFeatureExtractor(options: o)
    }()

    /// Decodes `bytes` and extracts the pooled features.
    ///
    /// Invariants: the vector has `outputDimension` finite values (a NaN would poison training),
    /// and a clip with NaN, infinite or overflowing samples is rejected (after power_to_db's floor
    /// it would pass as silence); every rejection is an `ItemError` naming the source.
    static func audio(_ bytes: [UInt8]) -> String? {
        let extractor = audioExtractor
        do {
            let vector = try bytes.withUnsafeBytes { try extractor.extract(bytes: $0, name: "fuzz-input") }
            if vector.count != extractor.outputDimension { return "\(vector.count) features, expected \(extractor.outputDimension)" }
            if let bad = vector.firstIndex(where: { !$0.isFinite }) { return "feature \(bad) is \(vector[bad])" }
            let samples = try bytes.withUnsafeBytes { try AudioDecoder.decode(bytes: $0, name: "fuzz-input", options: extractor.options) }.samples
            if let bad = samples.firstIndex(where: { !($0.magnitude <= AudioFeatureExtractor.largestSample) }) {
                return "accepted a clip whose sample \(bad) is \(samples[bad])"
            }
        } catch {
            return rejection(error)
        }
        return nil
    }

    /// nil for a proper rejection: an `ItemError` whose message names the input.
    static func rejection(_ error: any Error) -> String? {
        guard let classified = error as? ItemError else { return "unclassified error \(type(of: error)): \(error)" }
        if !classified.message.contains("fuzz-input") { return "the message does not name the file: \(classified.message)" }
        return nil
    }
}
