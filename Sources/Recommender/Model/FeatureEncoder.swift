import NeuralNet
import TensorCore

/// A trainable encoder of one kind of feature of an entity (an item's text, image or sound, or the
/// tabular fields of items or users), keyed by the entity's index.
///
/// The fused model calls `forward` with the indices of the entities in a batch that have the
/// feature (each index once), later `backward` with dL/dOutput for those rows, and `infer` at
/// evaluation. Encoders built on frozen weights return no `parameters`.
public protocol FeatureEncoder: AnyObject {
    /// Name in model files and reports: "text", "image", "audio", "item_fields", "user_fields".
    var name: String { get }
    var outputDimension: Int { get }
    var parameters: [Parameter] { get }
    /// Whether entity `index` has this feature; absent ones get the fused model's learned
    /// "missing" vector and a mask bit instead.
    func isPresent(_ index: Int) -> Bool
    /// (indices.count, outputDimension); caches what `backward` needs.
    func forward(_ indices: [Int]) -> Tensor
    func backward(_ gradOutput: Tensor)
    /// Evaluation-mode encoding; must not change the encoder.
    func infer(_ indices: [Int]) -> Tensor
}
