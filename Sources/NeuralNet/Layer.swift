import TensorCore

/// A differentiable function of one tensor with its own parameters.
///
/// Protocol for layers whose input is a float tensor. Contract:
/// - `forward` runs in training mode and caches what `backward` needs (one pending batch), so a
///   layer is training state that belongs to one thread at a time;
/// - `backward` takes dL/dOutput, **accumulates** (+=) into each parameter's `grad`, and returns
///   dL/dInput;
/// - `frozen()` is the evaluation-mode function (no dropout, no caching) with the current weights:
///   a `Sendable` snapshot that later training does not change, so several threads may share it.
///   `infer(x)` is `frozen().infer(x)`.
/// Layers whose inputs are ids or bags (Embedding, EmbeddingBag) have their own typed entry points.
public protocol Layer: AnyObject {
    associatedtype Frozen: FrozenLayer
    var parameters: [Parameter] { get }
    func forward(_ input: Tensor) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
    func frozen() -> Frozen
}

/// A layer's evaluation-mode function with its weights fixed (`Layer.frozen()`): immutable, so
/// any number of threads may call `infer` at once.
public protocol FrozenLayer: Sendable {
    func infer(_ input: Tensor) -> Tensor
}

extension Layer {
    /// The evaluation-mode forward with the current weights (no dropout, no caching).
    public func infer(_ input: Tensor) -> Tensor { frozen().infer(input) }
}

/// Initialisers matching PyTorch's defaults, drawn from a seeded generator.
public enum Initializer {
    /// U(−1/√fanIn, 1/√fanIn): what `torch.nn.Linear` and `Conv2d` use for weight and bias
    /// (kaiming_uniform with a = √5 reduces to this bound).
    public static func uniformFanIn(shape: [Int], fanIn: Int, using rng: inout SeededGenerator) -> Tensor {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        return Tensor.uniform(shape: shape, low: -bound, high: bound, using: &rng)
    }
}
