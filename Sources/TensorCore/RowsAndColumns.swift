/// Row and column plumbing for (rows, cols) tensors, used by the towers of the fused model.

/// Rows `indices` of a (rows, cols) tensor.
public func gather(_ t: Tensor, _ indices: [Int]) -> Tensor {
    let width = t.shape[1]
    var out = Tensor(shape: [indices.count, width])
    t.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for (r, i) in indices.enumerated() where width > 0 {
                (dst.baseAddress! + r * width).update(from: src.baseAddress! + i * width, count: width)
            }
        }
    }
    return out
}

/// Columns [from, from + width) of a (rows, cols) tensor.
public func columns(_ t: Tensor, from: Int, width: Int) -> Tensor {
    let rows = t.shape[0], cols = t.shape[1]
    var out = Tensor(shape: [rows, width])
    t.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for r in 0..<rows where width > 0 {
                (dst.baseAddress! + r * width).update(from: src.baseAddress! + r * cols + from, count: width)
            }
        }
    }
    return out
}

/// Side-by-side concatenation of (rows, colsₖ) tensors.
public func concatenateColumns(_ parts: [Tensor]) -> Tensor {
    let rows = parts.first?.shape[0] ?? 0
    let total = parts.reduce(0) { $0 + $1.shape[1] }
    var out = Tensor(shape: [rows, total])
    var offset = 0
    out.withUnsafeMutableBufferPointer { dst in
        for part in parts {
            let w = part.shape[1]
            precondition(part.shape[0] == rows, "concatenateColumns: \(part.shape[0]) rows, expected \(rows)")
            part.withUnsafeBufferPointer { src in
                for r in 0..<rows where w > 0 {
                    (dst.baseAddress! + r * total + offset).update(from: src.baseAddress! + r * w, count: w)
                }
            }
            offset += w
        }
    }
    return out
}

/// `bottom`'s rows after `top`'s, (rows₁ + rows₂, cols).
public func concatenateRows(_ top: Tensor, _ bottom: Tensor) -> Tensor {
    precondition(top.shape[1] == bottom.shape[1], "concatenateRows: \(top.shape) over \(bottom.shape)")
    return Tensor(shape: [top.shape[0] + bottom.shape[0], top.shape[1]], storage: top.storage + bottom.storage)
}
