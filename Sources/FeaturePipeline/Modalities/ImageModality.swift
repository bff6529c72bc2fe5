import Foundation
import ImageFeatures
import Recommender
import TensorCore

/// Images: each item's picture decoded, resized and stored as 8-bit RGB (`image.pixels`,
/// `image.present`); the item tower runs the convolution stack over them.
struct ImageModality: ItemModality {
    var spec: ImageSpec

    static let name = "image"
    static let summary = "Picture of each item: decoded with libpng / libjpeg-turbo, resized, a convolution stack (off when absent)."
    static func read(_ r: MappingReader) -> ImageModality { ImageModality(spec: ImageSpec.read(r)) }

    var onError: OnError { spec.onError }
    var inputNoun: String { "an image" }
    var columns: [(name: String, role: String, key: String)] { [(spec.field, "image path", "features.image.field")] }
    var mediaColumn: String? { spec.field }
    var requiredTensors: [String] { ["pixels", "present"] }

    /// The decoder and resampler settings, built once for every chunk.
    func prepare(_ state: (any ModalityState)?) throws -> (any Sendable)? { ImagePreprocessor(options: spec.options) }

    func extract(_ chunk: Catalog, prepared: (any Sendable)?, _ context: ExtractionContext) throws -> ModalityOutput {
        let preprocessor = prepared as! ImagePreprocessor
        let result = MediaExtraction(modality: Self.name, column: spec.field, maxBytes: spec.options.maxBytes, context)
            .run(chunk) { bytes, name in Data(try preprocessor.resizedImage([UInt8](bytes), source: name).pixels) }
        let (height, width) = (spec.options.height, spec.options.width)
        let size = height * width * 3
        var pixels = [UInt8](repeating: 0, count: chunk.count * size)
        for (i, d) in result.features.enumerated() {
            guard let d, d.count == size else { continue }
            pixels.replaceSubrange((i * size)..<((i + 1) * size), with: d)
        }
        return ModalityOutput(
            entries: [.init(name: "image.pixels", dtype: .uint8, shape: [chunk.count, height, width, 3], bytes: pixels),
                      result.presence(name: "image.present")],
            failures: result.failures, summary: result.summary(items: chunk.count))
    }

    func encoder(_ tensors: ModalityTensors, count: Int, state: (any ModalityState)?, fitItems: [Int],
                 rng: inout SeededGenerator) throws -> (encoder: any FeatureEncoder, state: (any ModalityState)?) {
        (ImageEncoder(options: spec.options, pixels: tensors["pixels"]!.bytes, present: tensors.present!, rng: &rng), nil)
    }
}
