import NeuralNet
import TensorCore

/// Encodes a fixed bag of weighted ids per entity (an item's TF-IDF terms) with a trainable
/// embedding bag: y = Σᵢ wᵢ · E[idᵢ].
///
/// Shapes: per entity a bag over 0..<vocabularySize; table (vocabularySize, outputDimension) →
/// output (entities, outputDimension). Entities with an empty bag are reported missing.
public final class BagEncoder: FeatureEncoder {
    public let name: String
    /// CSR over entities: entity e holds ids[offsets[e]..<offsets[e + 1]].
    let offsets: [Int]
    let ids: [Int]
    let weights: [Float]
    public let bag: EmbeddingBag

    public init(name: String, offsets: [Int], ids: [Int], weights: [Float], vocabularySize: Int, outputDimension: Int,
                rng: inout SeededGenerator) {
        precondition(offsets.last == ids.count && ids.count == weights.count, "BagEncoder \(name): inconsistent CSR arrays")
        self.name = name
        self.offsets = offsets
        self.ids = ids
        self.weights = weights
        bag = EmbeddingBag(count: max(vocabularySize, 1), dimension: outputDimension, mode: .weightedSum, std: 0.3,
                           name: "\(name).bag", rng: &rng)
    }

    public var outputDimension: Int { bag.dimension }
    public var parameters: [Parameter] { bag.parameters }
    public func isPresent(_ index: Int) -> Bool { offsets[index + 1] > offsets[index] }
    public func forward(_ indices: [Int]) -> Tensor { bag.forward(bags(indices)) }
    public func backward(_ gradOutput: Tensor) { bag.backward(gradOutput) }
    public func infer(_ indices: [Int]) -> Tensor { bag.infer(bags(indices)) }

    private func bags(_ entities: [Int]) -> Bags {
        var off = [0], idx: [Int] = [], w: [Float] = []
        off.reserveCapacity(entities.count + 1)
        for e in entities {
            idx.append(contentsOf: ids[offsets[e]..<offsets[e + 1]])
            w.append(contentsOf: weights[offsets[e]..<offsets[e + 1]])
            off.append(idx.count)
        }
        return Bags(offsets: off, indices: idx, weights: w)
    }
}
