import TensorCore

/// Rectified linear unit: `y = max(x, 0)`, elementwise.
///
/// Shapes: any → same shape. Backward: dX = dY where y > 0, else 0 (so the gradient at x = 0 is 0,
/// as in PyTorch). No parameters.
public final class ReLU: Layer {
    private var cachedOutput: Tensor?

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor) -> Tensor {
        let out = infer(input)
        cachedOutput = out
        return out
    }

    public func frozen() -> Frozen { Frozen() }

    /// ReLU in evaluation mode (it has nothing to freeze).
    public struct Frozen: FrozenLayer {
        public init() {}

        public func infer(_ input: Tensor) -> Tensor {
            var out = input
            out.withUnsafeMutableBufferPointer { y in
                guard let yp = y.baseAddress else { return }
                Kernels.reluInPlace(y.count, yp)
            }
            return out
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let output = cachedOutput else { preconditionFailure("ReLU.backward called before forward") }
        precondition(gradOutput.shape == output.shape, "ReLU.backward: gradOutput \(gradOutput.shape), expected \(output.shape)")
        var gradInput = Tensor(shape: output.shape)
        output.withUnsafeBufferPointer { y in
            gradOutput.withUnsafeBufferPointer { dy in
                gradInput.withUnsafeMutableBufferPointer { dx in
                    guard let yp = y.baseAddress, let dyp = dy.baseAddress, let dxp = dx.baseAddress else { return }
                    ReLU.maskedCopy(dx.count, yp, dyp, dxp)
                }
            }
        }
        return gradInput
    }

    /// dx[i] = y[i] > 0 ? dy[i] : 0. dy is loaded unconditionally so that LLVM emits a select, not a
    /// branch around the load: the select vectorises, and the sign pattern is random.
    static func maskedCopy(_ n: Int, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            let g = dy[i]
            dx[i] = y[i] > 0 ? g : 0
        }
    }
}

extension ReLU {
    /// Naive reference in Double.
    public enum Reference {
        public static func forward(_ x: [Double]) -> [Double] { x.map { max($0, 0) } }

        /// dX for upstream dy: dy where x > 0, else 0.
        public static func backward(x: [Double], dy: [Double]) -> [Double] {
            zip(x, dy).map { $0 > 0 ? $1 : 0 }
        }
    }
}
