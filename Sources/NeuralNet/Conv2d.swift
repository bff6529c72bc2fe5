import CKernels
import TensorCore

/// 2-D convolution on channels-last (NHWC) tensors, computed as im2col + sgemm, or by the direct
/// AVX2 kernel of CKernels for layers with few inputs per output (`Frozen.suitsDirectKernel`).
///
/// Shapes: input (N, H, W, Cin), weight (Cout, kh, kw, Cin), bias (Cout) → output (N, Ho, Wo, Cout)
/// with Ho = ⌊(H + 2·padding − kernelSize) / stride⌋ + 1 (Wo likewise), zero padding, square kernel.
/// The weight layout is PyTorch's (Cout, Cin, kh, kw) permuted by (0, 2, 3, 1), so that one im2col
/// row — the patch (ky, kx, ci) of one output pixel — is contiguous in NHWC memory.
/// Forward: Y = cols · Wᵀ + b. Backward: dW += dYᵀ · cols, db += Σ dY, dCols = dY · W, dX = col2im(dCols).
/// Initialisation as `torch.nn.Conv2d`: U(−1/√fanIn, 1/√fanIn), fanIn = Cin·kh·kw.
/// On the sgemm path images are processed in chunks so the im2col buffer stays near `chunkElements` floats.
/// The layer is training state (it keeps the last input for backward); `frozen()` is the inference
/// snapshot (Conv2d+Frozen.swift) that threads share.
public final class Conv2d: Layer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var cachedInput: Tensor?
    /// Target size of one im2col buffer, in floats (1 MiB of L2 per core on the benchmark machine).
    static let chunkElements = 1 << 18

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, name: String = "conv", rng: inout SeededGenerator) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "Conv2d(\(inputChannels)→\(outputChannels), k \(kernelSize), s \(stride), p \(padding)): invalid geometry")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let fanIn = inputChannels * kernelSize * kernelSize
        weight = Parameter(name: "\(name).weight", value: Initializer.uniformFanIn(
            shape: [outputChannels, kernelSize, kernelSize, inputChannels], fanIn: fanIn, using: &rng))
        self.bias = bias
            ? Parameter(name: "\(name).bias", value: Initializer.uniformFanIn(shape: [outputChannels], fanIn: fanIn, using: &rng))
            : nil
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// Whether the CPU runs the AVX2 + FMA kernels of CKernels.
    public static let hasDirectKernel = ck_has_avx2_fma() != 0

    public func frozen() -> Frozen { Frozen(self) }

    public func forward(_ input: Tensor) -> Tensor {
        cachedInput = input
        return infer(input)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Conv2d.backward called before forward") }
        let kernels = frozen()
        let g = kernels.geometry(of: input)
        let k = kernels.patchSize, cout = outputChannels
        precondition(gradOutput.shape == [g.n, g.ho, g.wo, cout],
                     "Conv2d.backward: gradOutput \(gradOutput.shape), expected [\(g.n), \(g.ho), \(g.wo), \(cout)]")
        var gradInput = Tensor(shape: input.shape)
        let scratch = Conv2dScratch(kernels, height: g.h, width: g.w, images: g.n, directKernel: false)
        let entry = scratch.entry(kernels, height: g.h, width: g.w)
        var dCols = [Float](repeating: 0, count: entry.chunk * g.ho * g.wo * k)
        input.withUnsafeBufferPointer { x in
            gradOutput.withUnsafeBufferPointer { dy in
                weight.value.withUnsafeBufferPointer { w in
                    weight.grad.withUnsafeMutableBufferPointer { dw in
                        gradInput.withUnsafeMutableBufferPointer { dx in
                            dCols.withUnsafeMutableBufferPointer { dc in
                                for first in Swift.stride(from: 0, to: g.n, by: entry.chunk) {
                                    let count = min(entry.chunk, g.n - first), rows = count * g.ho * g.wo
                                    let dyChunk = dy.baseAddress! + first * g.ho * g.wo * cout
                                    kernels.im2col(x.baseAddress! + first * g.h * g.w * inputChannels, images: count, height: g.h,
                                           width: g.w, padded: entry.padded, into: scratch.cols)
                                    BLAS.gemm(transA: true, transB: false, m: cout, n: k, k: rows, a: dyChunk, lda: cout,
                                              b: scratch.cols, ldb: k, beta: 1, c: dw.baseAddress!, ldc: k)
                                    BLAS.gemm(transA: false, transB: false, m: rows, n: k, k: cout, a: dyChunk, lda: cout,
                                              b: w.baseAddress!, ldb: k, c: dc.baseAddress!, ldc: k)
                                    kernels.col2im(dc.baseAddress!, images: count, g, into: dx.baseAddress! + first * g.h * g.w * inputChannels)
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias { bias.grad += gradOutput.reshaped([g.n * g.ho * g.wo, cout]).sumRows() }
        return gradInput
    }

}

extension Conv2d {
    /// Naive reference in Double: the definition as nested loops, for tests and gradient checks.
    public enum Reference {
        public struct Shape: Sendable {
            public let n, h, w, cin, cout, kernel, stride, padding: Int
            public init(n: Int, h: Int, w: Int, cin: Int, cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
                self.n = n; self.h = h; self.w = w; self.cin = cin; self.cout = cout
                self.kernel = kernel; self.stride = stride; self.padding = padding
            }
            public var ho: Int { (h + 2 * padding - kernel) / stride + 1 }
            public var wo: Int { (w + 2 * padding - kernel) / stride + 1 }
        }

        /// Calls `body(outputIndex, inputIndex, weightIndex)` for every product term of the convolution.
        static func forEachTerm(_ s: Shape, _ body: (Int, Int, Int) -> Void) {
            for n in 0..<s.n { for oy in 0..<s.ho { for ox in 0..<s.wo { for co in 0..<s.cout {
                let o = ((n * s.ho + oy) * s.wo + ox) * s.cout + co
                for ky in 0..<s.kernel { for kx in 0..<s.kernel {
                    let iy = oy * s.stride - s.padding + ky, ix = ox * s.stride - s.padding + kx
                    guard iy >= 0, iy < s.h, ix >= 0, ix < s.w else { continue }
                    for ci in 0..<s.cin {
                        body(o, ((n * s.h + iy) * s.w + ix) * s.cin + ci, ((co * s.kernel + ky) * s.kernel + kx) * s.cin + ci)
                    }
                } }
            } } } }
        }

        /// x (N, H, W, Cin), w (Cout, k, k, Cin), b (Cout) → y (N, Ho, Wo, Cout).
        public static func forward(x: [Double], w: [Double], b: [Double]?, shape s: Shape) -> [Double] {
            var y = [Double](repeating: 0, count: s.n * s.ho * s.wo * s.cout)
            if let b { for i in y.indices { y[i] = b[i % s.cout] } }
            forEachTerm(s) { o, i, k in y[o] += x[i] * w[k] }
            return y
        }

        /// Gradients (dX, dW, db) for upstream gradient dy (N, Ho, Wo, Cout).
        public static func backward(x: [Double], w: [Double], dy: [Double], shape s: Shape)
            -> (dx: [Double], dw: [Double], db: [Double])
        {
            var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
            var db = [Double](repeating: 0, count: s.cout)
            for i in dy.indices { db[i % s.cout] += dy[i] }
            forEachTerm(s) { o, i, k in
                dx[i] += dy[o] * w[k]
                dw[k] += dy[o] * x[i]
            }
            return (dx, dw, db)
        }
    }
}
