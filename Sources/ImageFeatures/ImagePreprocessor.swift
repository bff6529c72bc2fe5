import Foundation
import TensorCore

/// Turns an image file into what the encoder eats: decode → orient → resize → normalise.
///
/// Two stages, so the pipeline can cache the compact one per item by content hash:
/// `resizedImage` gives 8-bit RGB at the target size (height·width·3 bytes, 12 KiB at 64×64;
/// cache key: content hash + `options.preprocessingFingerprint`), and `tensor` turns a batch of
/// those into normalised float NHWC pixels. Thread-safe.
public struct ImagePreprocessor: Sendable {
    public let options: ImageOptions
    public let decoder: ImageDecoder
    /// Per channel c and byte value v: (v/255 − mean[c]) / std[c].
    private let table: [Float]

    /// `options` must be valid (`options.validate()` empty): the spec checks them first.
    public init(options: ImageOptions) {
        precondition(options.size.count == 2 && options.size.allSatisfy { $0 > 0 } && options.mean.count == 3
                     && options.std.count == 3 && options.background.count == 3,
                     "ImagePreprocessor: invalid options: \(options.validate())")
        self.options = options
        decoder = ImageDecoder(options: options)
        var t = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 { for v in 0..<256 { t[c * 256 + v] = (Float(v) / 255 - options.mean[c]) / options.std[c] } }
        table = t
    }

    /// The file decoded (JPEGs at a reduced DCT scale when allowed) and resized to the target size.
    public func resizedImage(contentsOf url: URL) throws -> RGBImage {
        let bytes = try ImageFile.read(url, maxBytes: options.maxBytes)
        return try resizedImage(bytes, source: url.path)
    }

    /// Encoded bytes decoded and resized to the target size; `source` names the item in errors.
    public func resizedImage(_ bytes: [UInt8], source: String) throws -> RGBImage {
        let decoded = try decoder.decode(bytes, source: source, minimumSize: (options.height, options.width))
        return Resampler.resize(decoded.image, width: options.width, height: options.height, filter: options.resize)
    }

    /// Normalised float pixels (N, height, width, 3) of images already at the target size.
    public func tensor(_ images: [RGBImage]) -> Tensor {
        let (h, w) = (options.height, options.width)
        let values = [Float](unsafeUninitializedCapacity: images.count * h * w * 3) { dst, initialized in
            table.withUnsafeBufferPointer { lut in
                for (n, image) in images.enumerated() {
                    precondition(image.width == w && image.height == h,
                                 "ImagePreprocessor.tensor: image \(n) is \(image.width)×\(image.height), expected \(w)×\(h)")
                    image.pixels.withUnsafeBufferPointer { src in
                        let out = dst.baseAddress! + n * h * w * 3
                        for p in 0..<(h * w) {
                            out[3 * p] = lut[Int(src[3 * p])]
                            out[3 * p + 1] = lut[256 + Int(src[3 * p + 1])]
                            out[3 * p + 2] = lut[512 + Int(src[3 * p + 2])]
                        }
                    }
                }
            }
            initialized = images.count * h * w * 3
        }
        return Tensor(shape: [images.count, h, w, 3], storage: values)
    }
}
