import Foundation
import NeuralNet
import TensorCore

/// Memory for one frozen pass through a `ConvStackEncoder` at one input size: each layer's
/// im2col scratch and two activation buffers that the layers write in turn.
///
/// Kept and reused by the encoder, so a batch of images costs no allocation and touches warm
/// pages; a fresh multi-megabyte set per group of images was ~5 % of the whole extraction.
final class ConvStackWorkspace: @unchecked Sendable {
    let height: Int, width: Int
    let scratch: Conv2dScratch
    let buffers: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

    init(_ encoder: ConvStackEncoder, height: Int, width: Int, images: Int) {
        self.height = height
        self.width = width
        var layers: [(conv: Conv2d, height: Int, width: Int)] = []
        var (h, w, largest) = (height, width, 0)
        for (i, (conv, pool)) in zip(encoder.convolutions, encoder.pools).enumerated() {
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

/// The workspaces an encoder keeps between `infer` calls, handed to one thread at a time.
/// (NSLock rather than Synchronization's Mutex: ThreadSanitizer sees pthread locks, not futexes.)
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
