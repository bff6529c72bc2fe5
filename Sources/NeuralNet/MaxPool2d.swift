import TensorCore

/// Max pooling over square windows of channels-last (NHWC) tensors.
///
/// Shapes: input (N, H, W, C) → output (N, Ho, Wo, C) with Ho = ⌊(H − kernelSize) / stride⌋ + 1
/// (no padding, floor mode: `torch.nn.MaxPool2d(k, stride)` defaults). Backward sends each output
/// gradient to the input that won the window, the first maximum in row-major window order (as
/// PyTorch's CPU kernel).
public final class MaxPool2d: Layer, @unchecked Sendable {
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

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height - kernelSize) / stride + 1, (width - kernelSize) / stride + 1)
    }

    public func forward(_ input: Tensor) -> Tensor {
        var argmax: [Int32] = []
        let out = pool(input, argmax: &argmax, recording: true)
        cachedShape = input.shape
        cachedArgmax = argmax
        return out
    }

    public func infer(_ input: Tensor) -> Tensor {
        var unused: [Int32] = []
        return pool(input, argmax: &unused, recording: false)
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

    private func pool(_ input: Tensor, argmax: inout [Int32], recording: Bool) -> Tensor {
        precondition(input.rank == 4, "MaxPool2d expects NHWC input (N, H, W, C), got \(input.shape)")
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = outputSize(height: h, width: w)
        precondition(ho > 0 && wo > 0, "MaxPool2d(\(kernelSize)) on \(h)×\(w) gives an empty output")
        precondition(input.count < Int(Int32.max), "MaxPool2d: input \(input.shape) too large for Int32 indices")
        if !recording && kernelSize == 2 && stride == 2 { return pool2x2(input, outputHeight: ho, outputWidth: wo) }
        var out = Tensor(shape: [n, ho, wo, c])
        if recording { argmax = [Int32](repeating: 0, count: out.count) }
        let ks = kernelSize, s = stride
        input.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    for b in 0..<n { for oy in 0..<ho { for ox in 0..<wo {
                        let o = ((b * ho + oy) * wo + ox) * c
                        let dst = y.baseAddress! + o
                        let first = ((b * h + oy * s) * w + ox * s) * c
                        for ch in 0..<c { dst[ch] = x[first + ch] }
                        if recording { for ch in 0..<c { arg[o + ch] = Int32(first + ch) } }
                        for ky in 0..<ks { for kx in 0..<ks where ky > 0 || kx > 0 {
                            let i = ((b * h + oy * s + ky) * w + ox * s + kx) * c
                            let src = x.baseAddress! + i
                            // Branch-free selects over the contiguous channels vectorise; NaN wins.
                            if recording {
                                let index = arg.baseAddress! + o
                                for ch in 0..<c {
                                    let v = src[ch], take = v > dst[ch] || v != v
                                    dst[ch] = take ? v : dst[ch]
                                    index[ch] = take ? Int32(i + ch) : index[ch]
                                }
                            } else {
                                for ch in 0..<c { let v = src[ch]; dst[ch] = v > dst[ch] || v != v ? v : dst[ch] }
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
    /// Inference fast path for the common 2×2 window, stride 2: one pass over the channels of
    /// each output pixel with four loads, instead of four passes.
    private func pool2x2(_ input: Tensor, outputHeight ho: Int, outputWidth wo: Int) -> Tensor {
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let values = [Float](unsafeUninitializedCapacity: n * ho * wo * c) { y, initialized in
            input.withUnsafeBufferPointer { x in
                for b in 0..<n { for oy in 0..<ho {
                    let top = x.baseAddress! + ((b * h + 2 * oy) * w) * c, bottom = top + w * c
                    let row = y.baseAddress! + ((b * ho + oy) * wo) * c
                    for ox in 0..<wo {
                        let t = top + 2 * ox * c, u = bottom + 2 * ox * c, d = row + ox * c
                        var ch = 0
                        while ch + 4 <= c {   // four channels per vector op
                            let m = maxNaN(maxNaN(load4(t + ch), load4(t + c + ch)), maxNaN(load4(u + ch), load4(u + c + ch)))
                            UnsafeMutableRawPointer(d + ch).storeBytes(of: m, as: SIMD4<Float>.self)
                            ch += 4
                        }
                        while ch < c {
                            let m0 = t[ch] > t[c + ch] || t[ch] != t[ch] ? t[ch] : t[c + ch]
                            let m1 = u[ch] > u[c + ch] || u[ch] != u[ch] ? u[ch] : u[c + ch]
                            d[ch] = m0 > m1 || m0 != m0 ? m0 : m1
                            ch += 1
                        }
                    }
                } }
            }
            initialized = n * ho * wo * c
        }
        return Tensor(shape: [n, ho, wo, c], storage: values)
    }

    @inline(__always)
    private func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self) }

    /// Lane-wise max that, like the training path, lets NaN win.
    @inline(__always)
    private func maxNaN(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        b.replacing(with: a, where: (a .> b) .| (a .!= a))
    }

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
