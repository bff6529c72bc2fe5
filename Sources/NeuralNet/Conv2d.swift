import CKernels
import TensorCore

/// 2-D convolution on channels-last (NHWC) tensors, computed as im2col + sgemm, or by the direct
/// AVX2 kernel of CKernels for layers with few inputs per output (`suitsDirectKernel`).
///
/// Shapes: input (N, H, W, Cin), weight (Cout, kh, kw, Cin), bias (Cout) → output (N, Ho, Wo, Cout)
/// with Ho = ⌊(H + 2·padding − kernelSize) / stride⌋ + 1 (Wo likewise), zero padding, square kernel.
/// The weight layout is PyTorch's (Cout, Cin, kh, kw) permuted by (0, 2, 3, 1), so that one im2col
/// row — the patch (ky, kx, ci) of one output pixel — is contiguous in NHWC memory.
/// Forward: Y = cols · Wᵀ + b. Backward: dW += dYᵀ · cols, db += Σ dY, dCols = dY · W, dX = col2im(dCols).
/// Initialisation as `torch.nn.Conv2d`: U(−1/√fanIn, 1/√fanIn), fanIn = Cin·kh·kw.
/// On the sgemm path images are processed in chunks so the im2col buffer stays near `chunkElements` floats.
public final class Conv2d: Layer, @unchecked Sendable {
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

    /// Output spatial size for an input of height × width.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelSize) / stride + 1, (width + 2 * padding - kernelSize) / stride + 1)
    }

    var patchSize: Int { kernelSize * kernelSize * inputChannels }

    public func forward(_ input: Tensor) -> Tensor {
        cachedInput = input
        return infer(input)
    }

    public func infer(_ input: Tensor) -> Tensor {
        let g = geometry(of: input)
        let rows = g.n * g.ho * g.wo, cout = outputChannels
        let scratch = Conv2dScratch(self, height: g.h, width: g.w, images: g.n)
        let values = [Float](unsafeUninitializedCapacity: rows * cout) { y, initialized in
            input.withUnsafeBufferPointer { x in
                convolve(x.baseAddress!, images: g.n, height: g.h, width: g.w, into: y.baseAddress!, scratch: scratch)
            }
            initialized = rows * cout
            if let bias {
                bias.value.withUnsafeBufferPointer { Kernels.addBias($0.baseAddress!, relu: false, rows: rows, columns: cout, to: y.baseAddress!) }
            }
        }
        return Tensor(shape: [g.n, g.ho, g.wo, cout], storage: values)
    }

    /// The convolution without the bias, on raw NHWC memory: `images` images of height × width ×
    /// inputChannels at `x` → (images, Ho, Wo, outputChannels) at `y`. `scratch` must have been
    /// made for this layer and this height and width; reusing it across calls keeps its pages warm
    /// (after the weights change, call its `loadWeights()`).
    public func convolve(_ x: UnsafePointer<Float>, images: Int, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                         scratch: Conv2dScratch) {
        let entry = scratch.entry(self, height: height, width: width)
        if let taps = entry.taps { return convolveDirect(x, images: images, height: height, width: width, into: y, entry, taps) }
        let (ho, wo) = outputSize(height: height, width: width)
        let k = patchSize, pixels = ho * wo
        for first in Swift.stride(from: 0, to: images, by: entry.chunk) {
            let count = min(entry.chunk, images - first)
            im2col(x + first * height * width * inputChannels, images: count, height: height, width: width,
                   padded: entry.padded, into: scratch.cols)
            BLAS.gemm(transA: false, transB: true, m: count * pixels, n: outputChannels, k: k, a: scratch.cols, lda: k,
                      b: weight.value.storage, ldb: k, beta: 0, c: y + first * pixels * outputChannels, ldc: outputChannels)
        }
    }

    /// Whether the CPU runs the AVX2 + FMA kernels of CKernels.
    public static let hasDirectKernel = ck_has_avx2_fma() != 0

    /// The direct kernel reads the padded image in place, where im2col + sgemm writes k² copies of
    /// it and packs them again; it gains most on the first layer, whose 27 inputs per output leave
    /// sgemm on skinny tiles (figures in docs/benchmarks.md). Up to 512 inputs per output one
    /// 16-channel block of weights stays in L1 (docs/images.md); wider layers keep sgemm.
    public var suitsDirectKernel: Bool { Conv2d.hasDirectKernel && patchSize <= 512 && outputChannels % 8 == 0 }

    /// The weights (cout, k) laid out tap-major (k, cout), as the direct kernel reads them.
    func layOutTaps(into taps: UnsafeMutablePointer<Float>) {
        let k = patchSize, cout = outputChannels
        weight.value.withUnsafeBufferPointer { w in
            for t in 0..<k { for co in 0..<cout { taps[t * cout + co] = w[co * k + t] } }
        }
    }

    private func convolveDirect(_ x: UnsafePointer<Float>, images: Int, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                                _ entry: Conv2dScratch.Entry, _ taps: UnsafeMutablePointer<Float>) {
        let cout = outputChannels
        let (ho, wo) = outputSize(height: height, width: width)
        for i in 0..<images {
            pad(x + i * height * width * inputChannels, height: height, width: width, into: entry.padded)
            ck_conv_direct(entry.padded, Int32(width + 2 * padding), Int32(inputChannels), taps, Int32(cout), Int32(kernelSize),
                           Int32(stride), Int32(ho), Int32(wo), y + i * ho * wo * cout)
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Conv2d.backward called before forward") }
        let g = geometry(of: input)
        let k = patchSize, cout = outputChannels
        precondition(gradOutput.shape == [g.n, g.ho, g.wo, cout],
                     "Conv2d.backward: gradOutput \(gradOutput.shape), expected [\(g.n), \(g.ho), \(g.wo), \(cout)]")
        var gradInput = Tensor(shape: input.shape)
        let scratch = Conv2dScratch(self, height: g.h, width: g.w, images: g.n, directKernel: false)
        let entry = scratch.entry(self, height: g.h, width: g.w)
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
                                    im2col(x.baseAddress! + first * g.h * g.w * inputChannels, images: count, height: g.h,
                                           width: g.w, padded: entry.padded, into: scratch.cols)
                                    BLAS.gemm(transA: true, transB: false, m: cout, n: k, k: rows, a: dyChunk, lda: cout,
                                              b: scratch.cols, ldb: k, beta: 1, c: dw.baseAddress!, ldc: k)
                                    BLAS.gemm(transA: false, transB: false, m: rows, n: k, k: cout, a: dyChunk, lda: cout,
                                              b: w.baseAddress!, ldb: k, c: dc.baseAddress!, ldc: k)
                                    col2im(dc.baseAddress!, images: count, g, into: dx.baseAddress! + first * g.h * g.w * inputChannels)
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

    struct Geometry { let n, h, w, ho, wo: Int }

    private func geometry(of input: Tensor) -> Geometry {
        precondition(input.rank == 4 && input.shape[3] == inputChannels,
                     "Conv2d(\(inputChannels)→\(outputChannels)) expects NHWC input (N, H, W, \(inputChannels)), got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        let (ho, wo) = outputSize(height: h, width: w)
        precondition(ho > 0 && wo > 0, "Conv2d k \(kernelSize) s \(stride) p \(padding): input \(h)×\(w) gives an empty output")
        return Geometry(n: n, h: h, w: w, ho: ho, wo: wo)
    }

    /// Copies the patches of `images` NHWC images into rows of `cols`: row (i, oy, ox), column
    /// (ky, kx, ci). Each image is first copied into `padded`, so the copies below need no bounds
    /// tests; they are short inline loops, since a memcpy call per 9-float patch row costs more
    /// than the copy itself.
    private func im2col(_ x: UnsafePointer<Float>, images: Int, height h: Int, width w: Int,
                        padded: UnsafeMutablePointer<Float>, into cols: UnsafeMutablePointer<Float>) {
        let cin = inputChannels, ks = kernelSize, rowLength = ks * cin, s = stride
        let (ho, wo) = outputSize(height: h, width: w)
        let paddedWidth = w + 2 * padding
        var row = cols
        for i in 0..<images {
            pad(x + i * h * w * cin, height: h, width: w, into: padded)
            for oy in 0..<ho {
                for ox in 0..<wo {
                    for ky in 0..<ks {
                        let src = padded + ((oy * s + ky) * paddedWidth + ox * s) * cin
                        for j in 0..<rowLength { row[j] = src[j] }
                        row += rowLength
                    }
                }
            }
        }
    }

    /// Copies one image into the interior of `padded`, whose zero border is never written.
    private func pad(_ image: UnsafePointer<Float>, height h: Int, width w: Int, into padded: UnsafeMutablePointer<Float>) {
        let cin = inputChannels, paddedWidth = w + 2 * padding
        for y in 0..<h {
            let src = image + y * w * cin, dst = padded + ((y + padding) * paddedWidth + padding) * cin
            for j in 0..<(w * cin) { dst[j] = src[j] }
        }
    }

    /// The kx range [lo, hi) of a patch starting at column x0 that lies inside the image.
    @inline(__always)
    private func insideRange(_ x0: Int, width: Int) -> (Int, Int) {
        let lo = min(kernelSize, max(0, -x0))
        return (lo, max(lo, min(kernelSize, width - x0)))
    }

    /// The adjoint of `im2col`: adds each column entry back to the input pixel it came from.
    private func col2im(_ cols: UnsafePointer<Float>, images: Int, _ g: Geometry, into dx: UnsafeMutablePointer<Float>) {
        let cin = inputChannels, ks = kernelSize, rowLength = ks * cin
        var row = cols
        for i in 0..<images {
            let image = dx + i * g.h * g.w * cin
            for oy in 0..<g.ho {
                for ox in 0..<g.wo {
                    let x0 = ox * stride - padding
                    for ky in 0..<ks {
                        let iy = oy * stride - padding + ky
                        guard iy >= 0 && iy < g.h else { continue }
                        let (lo, hi) = insideRange(x0, width: g.w)
                        guard hi > lo else { continue }
                        let src = row + ky * rowLength + lo * cin, dst = image + (iy * g.w + x0 + lo) * cin
                        for j in 0..<((hi - lo) * cin) { dst[j] += src[j] }
                    }
                    row += ks * rowLength
                }
            }
        }
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
