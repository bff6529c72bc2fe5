/// Elementwise kernels on tensors of equal shape, and row broadcasts for (rows, cols) tensors.
///
/// Each loop runs on unsafe buffer pointers: bounds-checked array indexing stops vectorisation.
extension Tensor {
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, -) }
    /// Elementwise (Hadamard) product.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, *) }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapped { $0 * rhs } }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.addScaled(rhs, by: 1) }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.addScaled(rhs, by: -1) }

    /// `self += alpha · other` (axpy).
    public mutating func addScaled(_ other: Tensor, by alpha: Float) {
        precondition(shape == other.shape, "addScaled shape mismatch: \(shape) vs \(other.shape)")
        other.storage.withUnsafeBufferPointer { src in
            storage.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] += alpha * src[i] }
            }
        }
    }

    /// Multiply every element by `alpha` in place.
    public mutating func scale(by alpha: Float) {
        storage.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= alpha } }
    }

    /// Set every element to zero, keeping the shape and the allocation.
    public mutating func zero() {
        storage.withUnsafeMutableBufferPointer { p in p.update(repeating: 0) }
    }

    public func mapped(_ f: (Float) -> Float) -> Tensor {
        var out = self
        out.storage.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = f(p[i]) } }
        return out
    }

    public func zipped(with other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "elementwise shape mismatch: \(shape) vs \(other.shape)")
        var out = self
        other.storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] = f(dst[i], src[i]) }
            }
        }
        return out
    }

    /// Sum of all elements, accumulated in Double so the result does not depend on length order effects.
    public func sum() -> Float {
        storage.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) }
            return Float(s)
        }
    }

    public func mean() -> Float { count == 0 ? 0 : Float(Double(sum()) / Double(count)) }

    /// Largest absolute elementwise difference; for tests and tolerances.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "maxAbsDifference shape mismatch: \(shape) vs \(other.shape)")
        var m: Float = 0
        for (a, b) in zip(storage, other.storage) { m = Swift.max(m, abs(a - b)) }
        return m
    }

    /// (rows, cols) + bias (cols) broadcast over rows.
    public mutating func addRowVector(_ bias: Tensor) {
        precondition(rank == 2 && bias.count == shape[1], "addRowVector: \(shape) vs bias \(bias.shape)")
        let cols = shape[1]
        bias.storage.withUnsafeBufferPointer { b in
            storage.withUnsafeMutableBufferPointer { p in
                for r in 0..<(p.count / Swift.max(cols, 1)) {
                    for c in 0..<cols { p[r * cols + c] += b[c] }
                }
            }
        }
    }

    /// Column sums of a (rows, cols) tensor → (cols).
    public func sumRows() -> Tensor {
        precondition(rank == 2, "sumRows needs rank 2, shape is \(shape)")
        let rows = shape[0], cols = shape[1]
        var out = Tensor(shape: [cols])
        storage.withUnsafeBufferPointer { p in
            out.storage.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows { for c in 0..<cols { o[c] += p[r * cols + c] } }
            }
        }
        return out
    }
}

/// Kernels on raw buffers, for hot loops that manage their own storage.
public enum Kernels {
    /// y[i] += alpha · x[i] for i in 0..<n.
    @inlinable
    public static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    /// Σ x[i]·y[i], accumulated in Float (vectorises).
    @inlinable
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        var s: Float = 0
        for i in 0..<n { s += x[i] * y[i] }
        return s
    }

    /// x[i] = max(x[i], 0).
    @inlinable
    public static func reluInPlace(_ n: Int, _ x: UnsafeMutablePointer<Float>) {
        for i in 0..<n { x[i] = x[i] > 0 ? x[i] : 0 }
    }

    /// A layer's epilogue on `rows` rows of `columns` values: x[r, c] += bias[c] (when given),
    /// then x = max(x, 0) when `relu`.
    @inlinable
    public static func addBias(_ bias: UnsafePointer<Float>?, relu: Bool, rows: Int, columns: Int, to x: UnsafeMutablePointer<Float>) {
        if let bias {
            for r in 0..<rows { let p = x + r * columns; for j in 0..<columns { p[j] += bias[j] } }
        }
        if relu { reluInPlace(rows * columns, x) }
    }
}
