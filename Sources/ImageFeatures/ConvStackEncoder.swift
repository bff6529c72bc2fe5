import NeuralNet
import TensorCore

/// The image encoder: per layer Conv2d → ReLU → MaxPool2d (when pool > 1), then global average
/// pooling and an optional linear projection.
///
/// ReLU runs after the pooling: max and ReLU commute (ReLU is monotone), so the values are the
/// same and ReLU touches pool² times fewer elements; gradients agree too, since a window whose
/// maximum is ≤ 0 gets no gradient either way.
///
/// Shapes: input (N, H, W, 3) normalised NHWC pixels → output (N, outputDimension). Weights are
/// drawn from `rng` in layer order (conv weight, conv bias, …, projection), PyTorch's default
/// bounds. `forward`/`backward` train it end to end inside the fused model (gradients accumulate
/// into `parameters`), so the encoder belongs to one thread; `frozen()` is the inference snapshot
/// (`ConvStackInference`) that frozen extraction shares between threads.
public final class ConvStackEncoder: Layer {
    public let convolutions: [Conv2d]
    public let pools: [MaxPool2d?]
    public let globalPool = GlobalAvgPool2d()
    public let projection: Linear?
    public let outputDimension: Int
    /// Post-ReLU (and post-pool) activations of each layer from the last `forward`, for the ReLU backward.
    private var activations: [Tensor] = []

    public init(options: ImageOptions, rng: inout SeededGenerator) {
        precondition(options.validate().isEmpty, "ConvStackEncoder: invalid options: \(options.validate())")
        var channels = 3
        var convolutions: [Conv2d] = []
        for (i, spec) in options.layers.enumerated() {
            convolutions.append(Conv2d(inputChannels: channels, outputChannels: spec.conv, kernelSize: spec.kernel,
                                       stride: spec.stride, padding: spec.padding, name: "image.conv\(i)", rng: &rng))
            channels = spec.conv
        }
        self.convolutions = convolutions
        pools = options.layers.map { $0.pool > 1 ? MaxPool2d(kernelSize: $0.pool) : nil }
        projection = options.projection.map { Linear(inFeatures: channels, outFeatures: $0, name: "image.projection", rng: &rng) }
        outputDimension = options.projection ?? channels
    }

    public var parameters: [Parameter] {
        convolutions.flatMap(\.parameters) + (projection?.parameters ?? [])
    }

    public func forward(_ input: Tensor) -> Tensor {
        activations.removeAll(keepingCapacity: true)
        var x = input
        for (conv, pool) in zip(convolutions, pools) {
            x = conv.forward(x)
            if let pool { x = pool.forward(x) }
            relu(&x)
            activations.append(x)
        }
        x = globalPool.forward(x)
        return projection?.forward(x) ?? x
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(activations.count == convolutions.count, "ConvStackEncoder.backward called before forward")
        var g = projection?.backward(gradOutput) ?? gradOutput
        g = globalPool.backward(g)
        for i in convolutions.indices.reversed() {
            activations[i].withUnsafeBufferPointer { y in
                g.withUnsafeMutableBufferPointer { d in for j in 0..<d.count where y[j] <= 0 { d[j] = 0 } }
            }
            if let pool = pools[i] { g = pool.backward(g) }
            g = convolutions[i].backward(g)
        }
        return g
    }

    public func frozen() -> ConvStackInference { ConvStackInference(self) }

    private func relu(_ x: inout Tensor) {
        x.withUnsafeMutableBufferPointer { p in Kernels.reluInPlace(p.count, p.baseAddress!) }
    }
}

/// Feature-map sizes through the stack, for validating options before building anything.
struct ConvStackGeometry {
    /// (height, width) after each layer (conv, then pool).
    let sizes: [(Int, Int)]

    init(options: ImageOptions) {
        var (h, w) = (options.height, options.width)
        var sizes: [(Int, Int)] = []
        for spec in options.layers {
            h = (h + 2 * spec.padding - spec.kernel) / spec.stride + 1
            w = (w + 2 * spec.padding - spec.kernel) / spec.stride + 1
            if spec.pool > 1 { h = h >= spec.pool ? (h - spec.pool) / spec.pool + 1 : 0; w = w >= spec.pool ? (w - spec.pool) / spec.pool + 1 : 0 }
            sizes.append((h, w))
        }
        self.sizes = sizes
    }

    /// Index of the first layer whose output is empty, if any.
    var firstEmptyLayer: Int? { sizes.firstIndex { $0.0 < 1 || $0.1 < 1 } }
}
