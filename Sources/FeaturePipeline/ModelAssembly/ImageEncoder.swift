import ImageFeatures
import NeuralNet
import Recommender
import TensorCore

/// The image modality as a feature encoder: each item's cached 8-bit RGB pixels at the target
/// size, normalised per channel, through the conv stack (NHWC).
final class ImageEncoder: FeatureEncoder, PartitionedInference, @unchecked Sendable {
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
    func forward(_ indices: [Int]) -> Tensor { stack.forward(batch(indices)) }
    func backward(_ gradOutput: Tensor) { _ = stack.backward(gradOutput) }
    func infer(_ indices: [Int]) -> Tensor { stack.infer(batch(indices)) }

    /// The normalised NHWC batch of `indices`.
    private func batch(_ indices: [Int]) -> Tensor {
        let (h, w) = (preprocessor.options.height, preprocessor.options.width)
        let size = h * w * 3
        let images = indices.map { RGBImage(width: w, height: h, pixels: Array(pixels[($0 * size)..<(($0 + 1) * size)])) }
        return preprocessor.tensor(images)
    }
}

/// An encoder costly enough that `pipeline extract` splits its rows across threads: its `infer`
/// must be pure (no state kept between calls), so parts may run at once.
protocol PartitionedInference: FeatureEncoder, Sendable {}
