import TensorCore

/// Max pooling over square windows of channels-last (NHWC) tensors.
///
/// Shapes: input (N, H, W, C) → output (N, Ho, Wo, C) with Ho = ⌊(H − kernelSize) / stride⌋ + 1
/// (no padding, floor mode: `torch.nn.MaxPool2d(k, stride)` defaults). Backward sends each output
/// gradient to the input that won the window, the first maximum in row-major window order (as
/// PyTorch's CPU kernel).
public final class MaxPool2d: Layer {
    public let kernelSize: Int
    public let stride: Int
    private var cachedShape: [Int] = []
    /// For each output element, the flat index of the input element it took.
    private var cachedArgmax: [Int32] = []

    public init(kernelSize: Int, stride: Int? = nil) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "MaxPool2d(kernel \(kernelSize), stride \(stride ?? kernelSize)): invalid")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    public var parameters: [Parameter] { [] }

    /// Output size for an input of height × width; 0 where the window does not fit.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) { frozen().outputSize(height: height, width: width) }

    public func frozen() -> Frozen { Frozen(kernelSize: kernelSize, stride: stride) }

    public func forward(_ input: Tensor) -> Tensor {
        var argmax: [Int32] = []
        let out = pool(input, argmax: &argmax)
        cachedShape = input.shape
        cachedArgmax = argmax
        return out
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(!cachedShape.isEmpty, "MaxPool2d.backward called before forward")
        precondition(gradOutput.count == cachedArgmax.count,
                     "MaxPool2d.backward: gradOutput \(gradOutput.shape) does not match the forward output")
        var gradInput = Tensor(shape: cachedShape)
        gradOutput.withUnsafeBufferPointer { dy in
            cachedArgmax.withUnsafeBufferPointer { arg in
                gradInput.withUnsafeMutableBufferPointer { dx in
                    for o in 0..<dy.count { dx[Int(arg[o])] += dy[o] }
                }
            }
        }
        return gradInput
    }

    /// The training forward: the maxima and, per output, the input that won.
    private func pool(_ input: Tensor, argmax: inout [Int32]) -> Tensor {
        precondition(input.rank == 4, "MaxPool2d expects NHWC input (N, H, W, C), got \(input.shape)")
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = outputSize(height: h, width: w)
        precondition(ho > 0 && wo > 0, "MaxPool2d(\(kernelSize)) on \(h)×\(w) gives an empty output")
        precondition(input.count < Int(Int32.max), "MaxPool2d: input \(input.shape) too large for Int32 indices")
        var out = Tensor(shape: [n, ho, wo, c])
        argmax = [Int32](repeating: 0, count: out.count)
        let ks = kernelSize, s = stride
        input.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    for b in 0..<n { for oy in 0..<ho { for ox in 0..<wo {
                        let o = ((b * ho + oy) * wo + ox) * c
                        let dst = y.baseAddress! + o
                        let first = ((b * h + oy * s) * w + ox * s) * c
                        for ch in 0..<c { dst[ch] = x[first + ch] }
                        for ch in 0..<c { arg[o + ch] = Int32(first + ch) }
                        for ky in 0..<ks { for kx in 0..<ks where ky > 0 || kx > 0 {
                            let i = ((b * h + oy * s + ky) * w + ox * s + kx) * c
                            let src = x.baseAddress! + i
                            // Branch-free selects over the contiguous channels vectorise; NaN wins.
                            let index = arg.baseAddress! + o
                            for ch in 0..<c {
                                let v = src[ch], take = v > dst[ch] || v != v
                                dst[ch] = take ? v : dst[ch]
                                index[ch] = take ? Int32(i + ch) : index[ch]
                            }
                        } }
                    } } }
                }
            }
        }
        return out
    }
}

extension MaxPool2d {
    /// The pooling in evaluation mode: the window geometry, no caches.
    public struct Frozen: FrozenLayer {
        public let kernelSize: Int
        public let stride: Int

        /// Output size for an input of height × width; 0 where the window does not fit.
        public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
            (height >= kernelSize ? (height - kernelSize) / stride + 1 : 0, width >= kernelSize ? (width - kernelSize) / stride + 1 : 0)
        }

        public func infer(_ input: Tensor) -> Tensor {
            precondition(input.rank == 4, "MaxPool2d expects NHWC input (N, H, W, C), got \(input.shape)")
            let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
            let (ho, wo) = outputSize(height: h, width: w)
            precondition(ho > 0 && wo > 0, "MaxPool2d(\(kernelSize)) on \(h)×\(w) gives an empty output")
            let values = [Float](unsafeUninitializedCapacity: n * ho * wo * c) { y, initialized in
                input.withUnsafeBufferPointer { x in
                    infer(x.baseAddress!, images: n, height: h, width: w, channels: c, addingBias: nil, relu: false, into: y.baseAddress!)
                }
                initialized = n * ho * wo * c
            }
            return Tensor(shape: [n, ho, wo, c], storage: values)
        }
    }
}

extension MaxPool2d.Frozen {
    /// Inference on raw NHWC memory: `images` maps of height × width × channels at `x` →
    /// (images, Ho, Wo, channels) at `y`, NaN winning the max as in training. A conv layer's
    /// epilogue folds into it: `bias` (per channel) is added after the max — the same bits as
    /// before it, since adding a constant commutes with max and rounding is monotone — and
    /// `relu` clamps at 0, touching window² times fewer values than doing both on the input.
    public func infer(_ x: UnsafePointer<Float>, images n: Int, height h: Int, width w: Int, channels c: Int,
                      addingBias bias: UnsafePointer<Float>?, relu: Bool, into y: UnsafeMutablePointer<Float>) {
        let (ho, wo) = outputSize(height: h, width: w)
        let ks = kernelSize, s = stride
        for b in 0..<n { for oy in 0..<ho { for ox in 0..<wo {
            let d = y + ((b * ho + oy) * wo + ox) * c
            let corner = x + ((b * h + oy * s) * w + ox * s) * c
            if ks == 2 {
                max2x2(corner, corner + w * c, channels: c, into: d)
            } else {
                d.update(from: corner, count: c)
                for ky in 0..<ks { for kx in 0..<ks where ky > 0 || kx > 0 {
                    let src = corner + (ky * w + kx) * c
                    for ch in 0..<c { let v = src[ch]; d[ch] = v > d[ch] || v != v ? v : d[ch] }
                } }
            }
            Kernels.addBias(bias, relu: relu, rows: 1, columns: c, to: d)
        } } }
    }

    /// One 2×2 window, four channels per vector op: four loads per output vector.
    @inline(__always)
    private func max2x2(_ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>, channels c: Int, into d: UnsafeMutablePointer<Float>) {
        var ch = 0
        while ch + 4 <= c {
            let m = maxNaN(maxNaN(load4(top + ch), load4(top + c + ch)), maxNaN(load4(bottom + ch), load4(bottom + c + ch)))
            UnsafeMutableRawPointer(d + ch).storeBytes(of: m, as: SIMD4<Float>.self)
            ch += 4
        }
        while ch < c {
            let m0 = top[ch] > top[c + ch] || top[ch] != top[ch] ? top[ch] : top[c + ch]
            let m1 = bottom[ch] > bottom[c + ch] || bottom[ch] != bottom[ch] ? bottom[ch] : bottom[c + ch]
            d[ch] = m0 > m1 || m0 != m0 ? m0 : m1
            ch += 1
        }
    }

    @inline(__always)
    private func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self) }

    /// Lane-wise max that, like the training path, lets NaN win.
    @inline(__always)
    private func maxNaN(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        b.replacing(with: a, where: (a .> b) .| (a .!= a))
    }

}

extension MaxPool2d {
    /// Naive reference in Double, for tests and gradient checks.
    public enum Reference {
        /// x (N, H, W, C) → (y (N, Ho, Wo, C), argmax flat input index per output).
        public static func forward(x: [Double], n: Int, h: Int, w: Int, c: Int, kernel: Int, stride: Int)
            -> (y: [Double], argmax: [Int])
        {
            let ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1
            var y = [Double](repeating: -.infinity, count: n * ho * wo * c), arg = [Int](repeating: -1, count: y.count)
            for b in 0..<n { for oy in 0..<ho { for ox in 0..<wo { for ch in 0..<c {
                let o = ((b * ho + oy) * wo + ox) * c + ch
                for ky in 0..<kernel { for kx in 0..<kernel {
                    let i = ((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ch
                    if x[i] > y[o] { y[o] = x[i]; arg[o] = i }
                } }
            } } } }
            return (y, arg)
        }

        /// dX for upstream gradient dy, given the forward's argmax.
        public static func backward(dy: [Double], argmax: [Int], inputCount: Int) -> [Double] {
            var dx = [Double](repeating: 0, count: inputCount)
            for o in dy.indices { dx[argmax[o]] += dy[o] }
            return dx
        }
    }
}
