import TensorCore

/// A trainable tensor and its gradient, shared by reference between a layer and its optimizer.
/// Training state, so not `Sendable`: inference snapshots (`Layer.frozen()`) copy `value` instead.
///
/// Dense parameters accumulate into `grad` everywhere. Row-sparse parameters (embedding tables,
/// shape (rows, dim)) record which rows a batch touched, so that `zeroGrad()` and the optimizers
/// cost what the batch touched, not the table size (lazy updates, as `torch.optim.SparseAdam`).
public final class Parameter {
    public let name: String
    public var value: Tensor
    public var grad: Tensor
    /// Whether updates are row-sparse (see `touchedRows`).
    public let isRowSparse: Bool
    /// Elements per row (the whole count for rank < 2). Stored, not derived from `value`, so that hot
    /// loops may read it while `value` is being mutated; `value` must keep its shape.
    public let rowWidth: Int
    /// Number of elements of `value` and `grad` (stored for the same reason).
    public let elementCount: Int
    /// Set while the loss being optimised does not involve this parameter (one objective of several):
    /// optimizer steps then leave its value and state alone, as PyTorch leaves a parameter whose
    /// gradient is None, instead of moving it by momentum alone.
    public var isIdle = false
    /// Set when every member of a training group computed this step's whole gradient itself (the
    /// same bits on each), so `GradientExchange` leaves it out; cleared by `zeroGrad()`.
    public var isSummedInGroup = false
    /// In a training group, which member computes the optimizer update of each of this table's rows
    /// (this member: `rowOwners.owned`); the others' updated rows arrive from their owners after the
    /// step (`GradientExchange.shareUpdatedRows`), and this member's optimizer state for them is left
    /// behind until gathered. Only owned rows' gradients hold totals after `GradientExchange.sum`.
    /// nil: every member updates every row.
    public var rowOwners: RowOwners?
    /// Set when this member's gradient is zero in every row it does not own (`rowOwners`), although
    /// such rows may be touched (the group's union): the optimizer then need not clear them. Only
    /// set after the rows were marked (marking clears it: a backward pass may have written any
    /// row); `forgetTouchedRows()` and `zeroGrad()` clear it too.
    public internal(set) var isZeroOutsideOwnedRows = false
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
        self.rowWidth = value.rank >= 2 ? value.count / max(value.shape[0], 1) : value.count
        self.elementCount = value.count
        self.touchedMask = rowSparse ? [Bool](repeating: false, count: value.shape[0]) : []
    }

    /// Records that `row` received gradient; a no-op for dense parameters.
    public func markTouched(_ row: Int) {
        isZeroOutsideOwnedRows = false
        guard isRowSparse, !touchedMask[row] else { return }
        touchedMask[row] = true
        touchedRows.append(row)
    }

    /// Records every row in `rows` (repeats allowed); a no-op for dense parameters.
    ///
    /// The bulk form for layer backward passes: one exclusive access to the mask and the list for
    /// the whole batch instead of two per id. Rows must already be validated (< rows of `value`).
    public func markTouched(rows: [Int]) {
        isZeroOutsideOwnedRows = false
        guard isRowSparse else { return }
        var list: [Int] = []
        swap(&list, &touchedRows)  // appending to a local keeps the array uniquely referenced
        touchedMask.withUnsafeMutableBufferPointer { mask in
            rows.withUnsafeBufferPointer { ids in
                for r in ids where !mask[r] {
                    mask[r] = true
                    list.append(r)
                }
            }
        }
        swap(&list, &touchedRows)
    }

    /// Makes `rows` (distinct, validated) the touched rows, in that order, and leaves the gradient
    /// as it is: a training group's exchange, after it summed every member's rows.
    public func replaceTouchedRows(with rows: [Int]) {
        forgetTouchedRows()
        markTouched(rows: rows)
    }

    /// Calls `body` with the touched rows: in row order, a run of consecutive rows at a time, when
    /// they are over a quarter of the table (a walk of the mask goes through the table front to back,
    /// which memory streams; first-touch order hops between rows), else each row alone in
    /// first-touch order. For passes whose rows are independent. Runs spare a call per row: a table
    /// of one column (a bias) has one row per element, and a ranking step touches all of them.
    public func forEachTouchedRunStreaming(_ body: (Range<Int>) -> Void) {
        guard isRowSparse else { return }
        if 4 * touchedRows.count > touchedMask.count {
            touchedMask.withUnsafeBufferPointer { mask in
                var r = 0
                while r < mask.count {
                    guard mask[r] else { r += 1; continue }
                    let start = r
                    while r < mask.count && mask[r] { r += 1 }
                    body(start..<r)
                }
            }
        } else {
            for r in touchedRows { body(r..<(r + 1)) }
        }
    }

    /// Forgets which rows were touched and leaves the gradient as it is: after the caller summed
    /// them elsewhere (`replaceTouchedRows`) or wrote zeros to them (an optimizer step that clears
    /// what it reads, so that `zeroGrad()` need not write them again).
    func forgetTouchedRows() {
        isZeroOutsideOwnedRows = false
        guard isRowSparse else { return }
        touchedMask.withUnsafeMutableBufferPointer { mask in
            for r in touchedRows { mask[r] = false }
        }
        touchedRows.removeAll(keepingCapacity: true)
    }

    /// Clears the gradient: all of it for dense parameters, only the touched rows otherwise.
    public func zeroGrad() {
        isSummedInGroup = false
        isZeroOutsideOwnedRows = false
        guard isRowSparse else { grad.zero(); return }
        let width = rowWidth
        grad.withUnsafeMutableBufferPointer { g in
            touchedMask.withUnsafeMutableBufferPointer { mask in
                guard let gp = g.baseAddress else { return }
                for r in touchedRows {
                    mask[r] = false
                    (gp + r * width).update(repeating: 0, count: width)
                }
            }
        }
        touchedRows.removeAll(keepingCapacity: true)
    }
}
