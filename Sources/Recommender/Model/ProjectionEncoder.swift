import NeuralNet
import TensorCore

/// Encodes fixed per-entity feature vectors with a trainable projection: y = W·x + b.
///
/// Shapes: features (entities, inputWidth), projection inputWidth → outputDimension. Used for the
/// pooled audio features (standardised) and for any precomputed content vectors. Entities whose
/// row is absent (`present[e] == false`) are reported missing to the fused model.
public final class ProjectionEncoder: FeatureEncoder {
    public let name: String
    public let features: Tensor
    public let present: [Bool]
    public let projection: Linear
    private var cachedRows: [Int] = []

    public init(name: String, features: Tensor, present: [Bool], outputDimension: Int, rng: inout SeededGenerator) {
        precondition(features.rank == 2 && features.shape[0] == present.count,
                     "ProjectionEncoder \(name): features \(features.shape) for \(present.count) entities")
        self.name = name
        self.features = features
        self.present = present
        projection = Linear(inFeatures: features.shape[1], outFeatures: outputDimension, name: "\(name).projection", rng: &rng)
    }

    public var outputDimension: Int { projection.outFeatures }
    public var parameters: [Parameter] { projection.parameters }
    public func isPresent(_ index: Int) -> Bool { present[index] }
    public func forward(_ indices: [Int]) -> Tensor { projection.forward(gather(features, indices)) }
    public func backward(_ gradOutput: Tensor) { _ = projection.backward(gradOutput) }
    public func infer(_ indices: [Int]) -> Tensor { projection.infer(gather(features, indices)) }
}
