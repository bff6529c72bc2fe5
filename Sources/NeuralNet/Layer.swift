import TensorCore

/// A differentiable function of one tensor with its own parameters.
///
/// Protocol for layers whose input is a float tensor. Contract:
/// - `forward` runs in training mode and caches what `backward` needs (one pending batch);
/// - `backward` takes dL/dOutput, **accumulates** (+=) into each parameter's `grad`, and returns
///   dL/dInput;
/// - `infer` is the evaluation-mode forward (no dropout, no caching); it does not mutate the layer,
///   so several threads may call it at once on a shared, frozen layer.
/// Layers whose inputs are ids or bags (Embedding, EmbeddingBag) have their own typed entry points.
public protocol Layer: AnyObject {
    var parameters: [Parameter] { get }
    func forward(_ input: Tensor) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
    func infer(_ input: Tensor) -> Tensor
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
