import CKernels
import TensorCore

extension Conv2d {
    /// The convolution with its weights fixed: what `infer` runs, on tensors or on raw NHWC memory
    /// with a reusable `Conv2dScratch`, and the im2col / col2im passes the layer's backward shares.
    /// Shapes and layout as `Conv2d`. A class, so that a scratch can tell its layers apart; every
    /// property is a constant, so it is `Sendable`.
    public final class Frozen: FrozenLayer {
        public let inputChannels: Int
        public let outputChannels: Int
        public let kernelSize: Int
        public let stride: Int
        public let padding: Int
        /// (outputChannels, kernelSize, kernelSize, inputChannels) and (outputChannels).
        public let weight: Tensor
        public let bias: Tensor?

        init(_ layer: Conv2d) {
            inputChannels = layer.inputChannels
            outputChannels = layer.outputChannels
            kernelSize = layer.kernelSize
            stride = layer.stride
            padding = layer.padding
            weight = layer.weight.value
            bias = layer.bias?.value
        }

        /// Output spatial size for an input of height × width.
        public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
            ((height + 2 * padding - kernelSize) / stride + 1, (width + 2 * padding - kernelSize) / stride + 1)
        }

        public var patchSize: Int { kernelSize * kernelSize * inputChannels }

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
                    bias.withUnsafeBufferPointer { Kernels.addBias($0.baseAddress!, relu: false, rows: rows, columns: cout, to: y.baseAddress!) }
                }
            }
            return Tensor(shape: [g.n, g.ho, g.wo, cout], storage: values)
        }

        /// The convolution without the bias, on raw NHWC memory: `images` images of height × width ×
        /// inputChannels at `x` → (images, Ho, Wo, outputChannels) at `y`. `scratch` must have been
        /// made for this layer and this height and width; reusing it across calls keeps its pages warm.
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
                          b: weight.storage, ldb: k, beta: 0, c: y + first * pixels * outputChannels, ldc: outputChannels)
            }
        }

        /// The direct kernel reads the padded image in place, where im2col + sgemm writes k² copies of
        /// it and packs them again; it gains most on the first layer, whose 27 inputs per output leave
        /// sgemm on skinny tiles (figures in docs/benchmarks.md). Up to 512 inputs per output one
        /// 16-channel block of weights stays in L1 (docs/images.md); wider layers keep sgemm.
        public var suitsDirectKernel: Bool { Conv2d.hasDirectKernel && patchSize <= 512 && outputChannels % 8 == 0 }

        /// The weights (cout, k) laid out tap-major (k, cout), as the direct kernel reads them.
        func layOutTaps(into taps: UnsafeMutablePointer<Float>) {
            let k = patchSize, cout = outputChannels
            weight.withUnsafeBufferPointer { w in
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

        struct Geometry { let n, h, w, ho, wo: Int }

        func geometry(of input: Tensor) -> Geometry {
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
        func im2col(_ x: UnsafePointer<Float>, images: Int, height h: Int, width w: Int,
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
        func col2im(_ cols: UnsafePointer<Float>, images: Int, _ g: Geometry, into dx: UnsafeMutablePointer<Float>) {
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
}
