import TensorCore

/// A trainable tensor and its gradient, shared by reference between a layer and its optimizer.
///
/// Dense parameters accumulate into `grad` everywhere. Row-sparse parameters (embedding tables,
/// shape (rows, dim)) record which rows a batch touched, so that `zeroGrad()` and the optimizers
/// cost what the batch touched, not the table size (lazy updates, as `torch.optim.SparseAdam`).
public final class Parameter: @unchecked Sendable {
    public let name: String
    public var value: Tensor
    public var grad: Tensor
    /// Whether updates are row-sparse (see `touchedRows`).
    public let isRowSparse: Bool
    /// Rows with a non-zero gradient since the last `zeroGrad()`, in first-touch order; only
    /// maintained for row-sparse parameters.
    public private(set) var touchedRows: [Int] = []
    private var touchedMask: [Bool]

    public init(name: String, value: Tensor, rowSparse: Bool = false) {
        precondition(!rowSparse || value.rank == 2, "row-sparse parameter \(name) must be (rows, dim), is \(value.shape)")
        self.name = name
        self.value = value
        self.grad = Tensor(shape: value.shape)
        self.isRowSparse = rowSparse
        self.touchedMask = rowSparse ? [Bool](repeating: false, count: value.shape[0]) : []
    }

    public var rowWidth: Int { value.rank >= 2 ? value.count / value.shape[0] : value.count }

    /// Records that `row` received gradient (row-sparse parameters only).
    @inlinable public func markTouched(_ row: Int) {
        if !touchedMaskValue(row) { setTouched(row) }
    }

    @usableFromInline func touchedMaskValue(_ row: Int) -> Bool { touchedMask[row] }
    @usableFromInline func setTouched(_ row: Int) {
        touchedMask[row] = true
        touchedRows.append(row)
    }

    /// Clears the gradient: all of it for dense parameters, only the touched rows otherwise.
    public func zeroGrad() {
        guard isRowSparse else { grad.zero(); return }
        let width = rowWidth
        grad.withUnsafeMutableBufferPointer { g in
            for r in touchedRows {
                touchedMask[r] = false
                for j in 0..<width { g[r * width + j] = 0 }
            }
        }
        touchedRows.removeAll(keepingCapacity: true)
    }
}
