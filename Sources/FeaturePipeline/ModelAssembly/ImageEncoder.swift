import ImageFeatures
import NeuralNet
import Recommender
import TensorCore

/// The image modality as a feature encoder: each item's cached 8-bit RGB pixels at the target
/// size, normalised per channel, through the conv stack (NHWC).
final class ImageEncoder: FeatureEncoder, PartitionedInference {
    let name = ImageModality.name
    /// (items, height, width, 3) bytes, zeros where absent.
    let pixels: [UInt8]
    let present: [Bool]
    let preprocessor: ImagePreprocessor
    let stack: ConvStackEncoder

    init(options: ImageOptions, pixels: [UInt8], present: [Bool], rng: inout SeededGenerator) {
        self.pixels = pixels
        self.present = present
        preprocessor = ImagePreprocessor(options: options)
        stack = ConvStackEncoder(options: options, rng: &rng)
    }

    var outputDimension: Int { stack.outputDimension }
    var parameters: [Parameter] { stack.parameters }
    func isPresent(_ index: Int) -> Bool { present[index] }
    func forward(_ indices: [Int]) -> Tensor { stack.forward(Self.batch(indices, pixels, preprocessor)) }
    func backward(_ gradOutput: Tensor) { _ = stack.backward(gradOutput) }
    func infer(_ indices: [Int]) -> Tensor { frozen().infer(indices) }

    /// The encoder with its current weights, for inference on several threads at once.
    func frozen() -> Frozen { Frozen(pixels: pixels, preprocessor: preprocessor, stack: stack.frozen()) }

    struct Frozen: FrozenInference {
        let pixels: [UInt8]
        let preprocessor: ImagePreprocessor
        let stack: ConvStackInference
        func infer(_ indices: [Int]) -> Tensor { stack.infer(ImageEncoder.batch(indices, pixels, preprocessor)) }
    }

    /// The normalised NHWC batch of `indices`.
    private static func batch(_ indices: [Int], _ pixels: [UInt8], _ preprocessor: ImagePreprocessor) -> Tensor {
        let (h, w) = (preprocessor.options.height, preprocessor.options.width)
        let size = h * w * 3
        let images = indices.map { RGBImage(width: w, height: h, pixels: Array(pixels[($0 * size)..<(($0 + 1) * size)])) }
        return preprocessor.tensor(images)
    }
}

/// An encoder costly enough that `pipeline extract` splits its rows across threads, through a
/// Sendable snapshot of its weights that the threads share.
protocol PartitionedInference: FeatureEncoder {
    func frozen() -> Frozen
    associatedtype Frozen: FrozenInference
}

/// An encoder's inference with its weights fixed: safe to call from several threads at once.
protocol FrozenInference: Sendable {
    func infer(_ indices: [Int]) -> Tensor
}
