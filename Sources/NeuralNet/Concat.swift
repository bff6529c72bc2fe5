import TensorCore

/// Joins several (N, Dᵢ) tensors along the feature axis into (N, Σ Dᵢ), and splits the gradient back.
///
/// Shapes: parts (N, D₀), (N, D₁), … → output (N, D₀ + D₁ + …); backward: dY (N, Σ Dᵢ) → the parts'
/// gradients (N, Dᵢ), in order. Same as `torch.cat(parts, dim=1)`. No parameters.
public final class Concat {
    private var cachedWidths: [Int] = []

    public init() {}

    /// Training mode: remembers the part widths for `backward`.
    public func forward(_ parts: [Tensor]) -> Tensor {
        let out = infer(parts)
        cachedWidths = parts.map { $0.shape[1] }
        return out
    }

    public func infer(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "Concat needs at least one part")
        let n = parts[0].shape[0]
        precondition(parts.allSatisfy { $0.rank == 2 && $0.shape[0] == n },
                     "Concat parts must all be (N, Dᵢ) with the same N, got \(parts.map(\.shape))")
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        var out = Tensor(shape: [n, total])
        out.withUnsafeMutableBufferPointer { y in
            var column = 0
            for part in parts {
                let w = part.shape[1]
                part.withUnsafeBufferPointer { x in
                    guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
                    for r in 0..<n { (yp + r * total + column).update(from: xp + r * w, count: w) }
                }
                column += w
            }
        }
        return out
    }

    /// Splits dY (N, Σ Dᵢ) into the parts' gradients.
    public func backward(_ gradOutput: Tensor) -> [Tensor] {
        let total = cachedWidths.reduce(0, +)
        precondition(gradOutput.rank == 2 && gradOutput.shape[1] == total,
                     "Concat.backward: gradOutput \(gradOutput.shape), expected [N, \(total)]")
        let n = gradOutput.shape[0]
        var column = 0
        return cachedWidths.map { w in
            var part = Tensor(shape: [n, w])
            gradOutput.withUnsafeBufferPointer { dy in
                part.withUnsafeMutableBufferPointer { dx in
                    guard let dyp = dy.baseAddress, let dxp = dx.baseAddress else { return }
                    for r in 0..<n { (dxp + r * w).update(from: dyp + r * total + column, count: w) }
                }
            }
            column += w
            return part
        }
    }
}

extension Concat {
    /// Naive reference in Double: parts are (n, widths[i]) row-major.
    public enum Reference {
        public static func forward(_ parts: [[Double]], widths: [Int], n: Int) -> [Double] {
            var y: [Double] = []
            for r in 0..<n {
                for (part, w) in zip(parts, widths) { y += part[(r * w)..<((r + 1) * w)] }
            }
            return y
        }

        public static func backward(dy: [Double], widths: [Int], n: Int) -> [[Double]] {
            let total = widths.reduce(0, +)
            var offset = 0
            return widths.map { w in
                defer { offset += w }
                return (0..<n).flatMap { r in dy[(r * total + offset)..<(r * total + offset + w)] }
            }
        }
    }
}
