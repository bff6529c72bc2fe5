import NeuralNet
import TensorCore

/// An encoder whose inference always runs on `batch` rows: the asked-for rows, then the last one
/// repeated, of which only the asked-for rows are returned.
///
/// OpenBLAS chooses its sgemm kernels by the product's size, and its small-matrix kernels round
/// the last bit differently from the blocked ones: a row's vector then depends on how many rows
/// share its call. At a fixed size it does not, so `pipeline extract` gives an item the same bytes
/// whatever chunk or shard it is in (docs/scale-out.md). Training is untouched (`forward`).
public final class FullBatchEncoder: FeatureEncoder {
    public let inner: any FeatureEncoder
    public let batch: Int

    public init(_ inner: any FeatureEncoder, batch: Int) {
        self.inner = inner
        self.batch = batch
    }

    public var name: String { inner.name }
    public var outputDimension: Int { inner.outputDimension }
    public var parameters: [Parameter] { inner.parameters }
    public func isPresent(_ index: Int) -> Bool { inner.isPresent(index) }
    public func forward(_ indices: [Int]) -> Tensor { inner.forward(indices) }
    public func backward(_ gradOutput: Tensor) { inner.backward(gradOutput) }

    public func infer(_ indices: [Int]) -> Tensor {
        guard let last = indices.last, indices.count < batch else { return inner.infer(indices) }
        let padded = inner.infer(indices + Array(repeating: last, count: batch - indices.count))
        return padded.rows(0..<indices.count)
    }
}

extension Tensor {
    /// Rows `range` of a rank-2 tensor.
    func rows(_ range: Range<Int>) -> Tensor {
        let width = shape[1]
        return Tensor(shape: [range.count, width], storage: Array(storage[(range.lowerBound * width)..<(range.upperBound * width)]))
    }
}
