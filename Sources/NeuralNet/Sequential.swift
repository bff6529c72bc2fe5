import TensorCore

/// Layers applied in order: `y = fₖ(… f₂(f₁(x)))`; backward runs them in reverse.
///
/// Shapes: those of the first layer's input → those of the last layer's output. Parameters are the
/// layers' parameters in order. Same as `torch.nn.Sequential`.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func forward(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1.forward($0) }
    }

    public func frozen() -> Frozen { Frozen(layers: layers.map { $0.frozen() }) }

    /// The layers' frozen forms applied in order.
    public struct Frozen: FrozenLayer {
        public let layers: [any FrozenLayer]

        public func infer(_ input: Tensor) -> Tensor {
            layers.reduce(input) { $1.infer($0) }
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        layers.reversed().reduce(gradOutput) { $1.backward($0) }
    }
}
