import TensorCore

/// Fully connected layer: `y = x · Wᵀ + b`.
///
/// Shapes: input (N, inFeatures), weight (outFeatures, inFeatures), bias (outFeatures)
/// → output (N, outFeatures). Same layout and default initialisation as `torch.nn.Linear`.
/// Backward: dW += dYᵀ·X, db += Σₙ dY, dX = dY·W. All four products (with the forward's) run through
/// `BLAS.gemm`; the bias is the sgemm's starting value in forward and a product with ones in backward.
public final class Linear: Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var cachedInput: Tensor?
    /// A row of ones as long as the last batch, reused for the bias gradient.
    private var ones: [Float] = []

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, name: String = "linear",
                rng: inout SeededGenerator) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(
            name: "\(name).weight",
            value: Initializer.uniformFanIn(shape: [outFeatures, inFeatures], fanIn: inFeatures, using: &rng))
        self.bias = bias
            ? Parameter(name: "\(name).bias", value: Initializer.uniformFanIn(shape: [outFeatures], fanIn: inFeatures, using: &rng))
            : nil
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func forward(_ input: Tensor) -> Tensor {
        cachedInput = input
        return infer(input)
    }

    public func frozen() -> Frozen { Frozen(weight: weight.value, bias: bias?.value) }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Linear.backward called before forward") }
        precondition(gradOutput.shape == [input.shape[0], outFeatures],
                     "Linear.backward: gradOutput \(gradOutput.shape), expected [\(input.shape[0]), \(outFeatures)]")
        let n = input.shape[0]
        var gradInput = Tensor(shape: [n, inFeatures])
        gradOutput.withUnsafeBufferPointer { dy in
            input.withUnsafeBufferPointer { x in
                guard let dyp = dy.baseAddress, let xp = x.baseAddress else { return }
                weight.grad.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: n,
                              a: dyp, lda: outFeatures, b: xp, ldb: inFeatures, beta: 1, c: dw.baseAddress!, ldc: inFeatures)
                }
                weight.value.withUnsafeBufferPointer { w in
                    gradInput.withUnsafeMutableBufferPointer { dx in
                        BLAS.gemm(transA: false, transB: false, m: n, n: inFeatures, k: outFeatures,
                                  a: dyp, lda: outFeatures, b: w.baseAddress!, ldb: inFeatures, c: dx.baseAddress!, ldc: inFeatures)
                    }
                }
            }
        }
        if let bias, n > 0 {
            // db += 1ᵀ·dY, as a (1 × n)·(n × outF) sgemm with beta 1.
            if ones.count != n { ones = [Float](repeating: 1, count: n) }
            gradOutput.withUnsafeBufferPointer { dy in
                ones.withUnsafeBufferPointer { one in
                    bias.grad.withUnsafeMutableBufferPointer { db in
                        BLAS.gemm(transA: false, transB: false, m: 1, n: outFeatures, k: n, a: one.baseAddress!, lda: n,
                                  b: dy.baseAddress!, ldb: outFeatures, beta: 1, c: db.baseAddress!, ldc: outFeatures)
                    }
                }
            }
        }
        return gradInput
    }
}

extension Linear {
    /// The layer with its weights fixed: `y = x · Wᵀ + b` for weight (outFeatures, inFeatures) and
    /// bias (outFeatures), shapes as `Linear`.
    public struct Frozen: FrozenLayer {
        public let weight: Tensor
        public let bias: Tensor?

        public var inFeatures: Int { weight.shape[1] }
        public var outFeatures: Int { weight.shape[0] }

        public func infer(_ input: Tensor) -> Tensor {
            precondition(input.rank == 2 && input.shape[1] == inFeatures,
                         "Linear(\(inFeatures)→\(outFeatures)) got input \(input.shape)")
            let n = input.shape[0], inF = inFeatures, outF = outFeatures
            var out = Tensor(shape: [n, outF])
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { y in
                        guard let xp = x.baseAddress, let wp = w.baseAddress, let yp = y.baseAddress else { return }
                        // Start every row from the bias and let sgemm add X·Wᵀ (beta 1): one pass, no
                        // separate broadcast loop.
                        bias?.withUnsafeBufferPointer { b in
                            for r in 0..<n { (yp + r * outF).update(from: b.baseAddress!, count: outF) }
                        }
                        BLAS.gemm(transA: false, transB: true, m: n, n: outF, k: inF,
                                  a: xp, lda: inF, b: wp, ldb: inF, beta: bias == nil ? 0 : 1, c: yp, ldc: outF)
                    }
                }
            }
            return out
        }
    }
}

extension Linear {
    /// Naive reference in Double: the definition, written out, for tests and gradient checks.
    public enum Reference {
        /// x (n, inF), w (outF, inF), b (outF) → y (n, outF).
        public static func forward(x: [Double], w: [Double], b: [Double]?, n: Int, inF: Int, outF: Int) -> [Double] {
            var y = [Double](repeating: 0, count: n * outF)
            for i in 0..<n {
                for o in 0..<outF {
                    var s = b?[o] ?? 0
                    for k in 0..<inF { s += x[i * inF + k] * w[o * inF + k] }
                    y[i * outF + o] = s
                }
            }
            return y
        }

        /// Gradients (dX, dW, db) for upstream gradient dy (n, outF).
        public static func backward(x: [Double], w: [Double], dy: [Double], n: Int, inF: Int, outF: Int)
            -> (dx: [Double], dw: [Double], db: [Double])
        {
            var dx = [Double](repeating: 0, count: n * inF)
            var dw = [Double](repeating: 0, count: outF * inF)
            var db = [Double](repeating: 0, count: outF)
            for i in 0..<n {
                for o in 0..<outF {
                    let g = dy[i * outF + o]
                    db[o] += g
                    for k in 0..<inF {
                        dx[i * inF + k] += g * w[o * inF + k]
                        dw[o * inF + k] += g * x[i * inF + k]
                    }
                }
            }
            return (dx, dw, db)
        }
    }
}
