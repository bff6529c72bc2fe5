import Foundation
import NeuralNet
import TensorCore

/// A `ConvStackEncoder` with its weights fixed (`ConvStackEncoder.frozen()`): the evaluation-mode
/// pass, which several threads may run at once.
///
/// Shapes: input (N, H, W, 3) normalised NHWC pixels → output (N, outputDimension). Per layer the
/// convolution, then max pooling with the bias and ReLU folded in (or the bias and ReLU alone),
/// then the global average and the projection: the same operations as the training forward.
public final class ConvStackInference: FrozenLayer {
    public let convolutions: [Conv2d.Frozen]
    public let pools: [MaxPool2d.Frozen?]
    public let projection: Linear.Frozen?
    public let outputDimension: Int
    /// Workspaces kept for reuse: one per thread that is inferring, at most a few.
    private let workspaces = WorkspacePool()

    /// Images per pass through the stack: small groups keep every activation in L2 (measured:
    /// 1 image per pass costs less CPU per image than 16 or 64).
    static let inferenceGroup = 2

    init(_ encoder: ConvStackEncoder) {
        convolutions = encoder.convolutions.map { $0.frozen() }
        pools = encoder.pools.map { $0?.frozen() }
        projection = encoder.projection?.frozen()
        outputDimension = encoder.outputDimension
    }

    public func infer(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4 && input.shape[3] == 3, "ConvStackEncoder expects NHWC input (N, H, W, 3), got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        let group = ConvStackInference.inferenceGroup, channels = convolutions.last!.outputChannels
        let workspace = workspaces.take(height: h, width: w) ?? ConvStackWorkspace(self, height: h, width: w, images: group)
        defer { workspaces.give(workspace) }
        let pooled = [Float](unsafeUninitializedCapacity: n * channels) { out, initialized in
            input.withUnsafeBufferPointer { x in
                for first in Swift.stride(from: 0, to: n, by: group) {
                    let count = min(group, n - first)
                    inferGroup(x.baseAddress! + first * h * w * 3, images: count, workspace, into: out.baseAddress! + first * channels)
                }
            }
            initialized = n * channels
        }
        let features = Tensor(shape: [n, channels], storage: pooled)
        return projection?.infer(features) ?? features
    }

    /// `images` images at `x` through every layer and the global average, into `out` (images × channels).
    private func inferGroup(_ x: UnsafePointer<Float>, images: Int, _ workspace: ConvStackWorkspace,
                            into out: UnsafeMutablePointer<Float>) {
        var (current, h, w) = (x, workspace.height, workspace.width)
        for (conv, pool) in zip(convolutions, pools) {
            let convolved = workspace.buffer(after: current)
            conv.convolve(current, images: images, height: h, width: w, into: convolved, scratch: workspace.scratch)
            (h, w) = conv.outputSize(height: h, width: w)
            let c = conv.outputChannels
            withBias(of: conv) { b in
                if let pool {
                    let next = workspace.buffer(after: convolved)
                    pool.infer(convolved, images: images, height: h, width: w, channels: c, addingBias: b, relu: true, into: next)
                    (h, w) = pool.outputSize(height: h, width: w)
                    current = UnsafePointer(next)
                } else {
                    Kernels.addBias(b, relu: true, rows: images * h * w, columns: c, to: convolved)
                    current = UnsafePointer(convolved)
                }
            }
        }
        GlobalAvgPool2d.average(current, images: images, pixels: h * w, channels: convolutions.last!.outputChannels, into: out)
    }

    private func withBias(of conv: Conv2d.Frozen, _ body: (UnsafePointer<Float>?) -> Void) {
        if let bias = conv.bias { bias.withUnsafeBufferPointer { body($0.baseAddress!) } } else { body(nil) }
    }
}

/// Memory for one frozen pass through a `ConvStackInference` at one input size: each layer's
/// im2col scratch and two activation buffers that the layers write in turn.
///
/// Kept and reused by the stack, so a batch of images costs no allocation and touches warm
/// pages; a fresh multi-megabyte set per group of images was ~5 % of the whole extraction.
/// One thread at a time (the pool lends it out).
final class ConvStackWorkspace {
    let height: Int, width: Int
    let scratch: Conv2dScratch
    let buffers: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

    init(_ stack: ConvStackInference, height: Int, width: Int, images: Int) {
        self.height = height
        self.width = width
        var layers: [(conv: Conv2d.Frozen, height: Int, width: Int)] = []
        var (h, w, largest) = (height, width, 0)
        for (i, (conv, pool)) in zip(stack.convolutions, stack.pools).enumerated() {
            layers.append((conv, h, w))
            (h, w) = conv.outputSize(height: h, width: w)
            largest = max(largest, images * h * w * conv.outputChannels)
            if let pool { (h, w) = pool.outputSize(height: h, width: w) }
            precondition(h > 0 && w > 0, "ConvStackEncoder: a \(height)×\(width) input leaves layer \(i) an empty feature map")
        }
        scratch = Conv2dScratch(layers: layers, images: images)
        buffers = (.allocate(capacity: largest), .allocate(capacity: largest))
    }

    deinit {
        buffers.0.deallocate()
        buffers.1.deallocate()
    }

    /// The buffer a layer writes when it reads `input` (the caller's pixels or one of ours).
    func buffer(after input: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        input == UnsafePointer(buffers.0) ? buffers.1 : buffers.0
    }
}

/// The workspaces a stack keeps between `infer` calls, handed to one thread at a time.
/// (NSLock rather than Synchronization's Mutex: ThreadSanitizer sees pthread locks, not futexes.)
// @unchecked: `idle` is only read and written under `lock`, and a workspace taken out is used by one thread.
final class WorkspacePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [ConvStackWorkspace] = []
    /// More than the threads that extract at once is only memory.
    private static let limit = 8

    /// An idle workspace made for height × width, if there is one.
    func take(height: Int, width: Int) -> ConvStackWorkspace? {
        lock.withLock { idle.firstIndex { $0.height == height && $0.width == width }.map { idle.remove(at: $0) } }
    }

    func give(_ workspace: ConvStackWorkspace) {
        lock.withLock { if idle.count < WorkspacePool.limit { idle.append(workspace) } }
    }
}
