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
        for (conv, pool) in zip(encoder.convolutions, encoder.pools) {
            layers.append((conv, h, w))
            (h, w) = conv.outputSize(height: h, width: w)
            largest = max(largest, images * h * w * conv.outputChannels)
            if let pool { (h, w) = pool.outputSize(height: h, width: w) }
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

/// The layer epilogues of frozen inference, fused into one pass each: bias, max pooling and ReLU.
///
/// The bias is added after the pooling: adding a per-channel constant commutes with max (and
/// rounding is monotone, so the values are the same bits), and it touches pool² times fewer
/// elements.
enum ConvEpilogue {
    /// y = ReLU(maxpool(x) + bias), pool window k × k with stride k (MaxPool2d(k)), NaN winning
    /// the max as in MaxPool2d. x is (images, h, w, c).
    static func poolBiasReLU(_ x: UnsafePointer<Float>, images: Int, height h: Int, width w: Int, channels c: Int,
                             window k: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        let ho = (h - k) / k + 1, wo = (w - k) / k + 1
        if k == 2 && c % 4 == 0, let bias { return pool2x2(x, images: images, height: h, width: w, channels: c, bias: bias, into: y) }
        for b in 0..<images { for oy in 0..<ho { for ox in 0..<wo {
            let d = y + ((b * ho + oy) * wo + ox) * c
            let corner = x + ((b * h + oy * k) * w + ox * k) * c
            for ch in 0..<c { d[ch] = corner[ch] }
            for ky in 0..<k { for kx in 0..<k where ky > 0 || kx > 0 {
                let src = corner + (ky * w + kx) * c
                for ch in 0..<c { let v = src[ch]; d[ch] = v > d[ch] || v != v ? v : d[ch] }
            } }
            for ch in 0..<c { let v = d[ch] + (bias?[ch] ?? 0); d[ch] = v > 0 ? v : 0 }
        } } }
    }

    /// The 2 × 2 window in SIMD4 lanes: four loads per output vector.
    private static func pool2x2(_ x: UnsafePointer<Float>, images: Int, height h: Int, width w: Int, channels c: Int,
                                bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let ho = h / 2, wo = w / 2
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
        }
        @inline(__always) func maxNaN(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
            a.replacing(with: b, where: (b .> a) .| (b .!= b))
        }
        for b in 0..<images { for oy in 0..<ho {
            let top = x + ((b * h + 2 * oy) * w) * c, bottom = top + w * c
            let row = y + ((b * ho + oy) * wo) * c
            for ox in 0..<wo {
                let t = top + 2 * ox * c, u = bottom + 2 * ox * c, d = row + ox * c
                for ch in Swift.stride(from: 0, to: c, by: 4) {
                    let m = maxNaN(maxNaN(load(t + ch), load(t + c + ch)), maxNaN(load(u + ch), load(u + c + ch)))
                    let v = m + load(bias + ch)
                    UnsafeMutableRawPointer(d + ch).storeBytes(of: v.replacing(with: 0, where: .!(v .> 0)), as: SIMD4<Float>.self)
                }
            }
        } }
    }

    /// x = ReLU(x + bias) in place, for `rows` rows of c channels.
    static func biasReLU(_ x: UnsafeMutablePointer<Float>, rows: Int, channels c: Int, bias: UnsafePointer<Float>?) {
        guard let bias else { return Kernels.reluInPlace(rows * c, x) }
        for r in 0..<rows {
            let p = x + r * c
            for ch in 0..<c { let v = p[ch] + bias[ch]; p[ch] = v > 0 ? v : 0 }
        }
    }

    /// out[i, ch] = mean over the h·w pixels of image i, for `images` images of `pixels` × c.
    static func globalAverage(_ x: UnsafePointer<Float>, images: Int, pixels: Int, channels c: Int,
                              into out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(max(pixels, 1))
        for i in 0..<images {
            let row = out + i * c
            for ch in 0..<c { row[ch] = 0 }
            for p in 0..<pixels { Kernels.axpy(c, 1, x + (i * pixels + p) * c, row) }
            for ch in 0..<c { row[ch] *= scale }
        }
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
