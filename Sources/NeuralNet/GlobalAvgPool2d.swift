import TensorCore

/// Global average pooling of channels-last (NHWC) tensors: the mean over height and width.
///
/// Shapes: input (N, H, W, C) → output (N, C); y[n, c] = (1 / HW) Σ_{h,w} x[n, h, w, c]
/// (`torch.mean(x, dim=(2, 3))` in NCHW). Backward: dX[n, h, w, c] = dY[n, c] / HW.
public final class GlobalAvgPool2d: Layer {
    private var cachedShape: [Int] = []

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor) -> Tensor {
        cachedShape = input.shape
        return infer(input)
    }

    /// out[i, ch] = the mean over the `pixels` pixels of image i, on raw NHWC memory.
    public static func average(_ x: UnsafePointer<Float>, images: Int, pixels: Int, channels c: Int,
                               into out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(max(pixels, 1))
        for i in 0..<images {
            let row = out + i * c
            row.update(repeating: 0, count: c)
            for p in 0..<pixels { Kernels.axpy(c, 1, x + (i * pixels + p) * c, row) }
            for ch in 0..<c { row[ch] *= scale }
        }
    }

    public func frozen() -> Frozen { Frozen() }

    /// The pooling in evaluation mode (it has nothing to freeze).
    public struct Frozen: FrozenLayer {
        public init() {}

        public func infer(_ input: Tensor) -> Tensor {
            precondition(input.rank == 4, "GlobalAvgPool2d expects NHWC input (N, H, W, C), got \(input.shape)")
            let (n, hw, c) = (input.shape[0], input.shape[1] * input.shape[2], input.shape[3])
            var out = Tensor(shape: [n, c])
            input.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    GlobalAvgPool2d.average(x.baseAddress!, images: n, pixels: hw, channels: c, into: y.baseAddress!)
                }
            }
            return out
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(cachedShape.count == 4, "GlobalAvgPool2d.backward called before forward")
        let (n, hw, c) = (cachedShape[0], cachedShape[1] * cachedShape[2], cachedShape[3])
        precondition(gradOutput.shape == [n, c], "GlobalAvgPool2d.backward: gradOutput \(gradOutput.shape), expected [\(n), \(c)]")
        var gradInput = Tensor(shape: cachedShape)
        let scale = 1 / Float(max(hw, 1))
        gradOutput.withUnsafeBufferPointer { dy in
            gradInput.withUnsafeMutableBufferPointer { dx in
                for b in 0..<n { for p in 0..<hw { for ch in 0..<c { dx[(b * hw + p) * c + ch] = dy[b * c + ch] * scale } } }
            }
        }
        return gradInput
    }
}

extension GlobalAvgPool2d {
    /// Naive reference in Double.
    public enum Reference {
        public static func forward(x: [Double], n: Int, hw: Int, c: Int) -> [Double] {
            var y = [Double](repeating: 0, count: n * c)
            for b in 0..<n { for p in 0..<hw { for ch in 0..<c { y[b * c + ch] += x[(b * hw + p) * c + ch] / Double(hw) } } }
            return y
        }

        public static func backward(dy: [Double], n: Int, hw: Int, c: Int) -> [Double] {
            var dx = [Double](repeating: 0, count: n * hw * c)
            for b in 0..<n { for p in 0..<hw { for ch in 0..<c { dx[(b * hw + p) * c + ch] = dy[b * c + ch] / Double(hw) } } }
            return dx
        }
    }
}
