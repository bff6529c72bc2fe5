import TensorCore

/// Lookup table: output row n is row `ids[n]` of the table.
///
/// Shapes: ids (N), each in 0..<count; table (count, dimension) → output (N, dimension). Same
/// layout and default initialisation (N(0, 1)) as `torch.nn.Embedding`.
/// Backward: dTable[ids[n]] += dY[n] (repeated ids accumulate); ids have no gradient.
/// With `sparse: true` (the default, as `torch.nn.Embedding(sparse=True)`) the table is a row-sparse
/// `Parameter`: backward marks the rows it wrote, so `zeroGrad()` and the optimizers cost what the
/// batch touched, not the table size. With `sparse: false` it is dense (every row is stepped).
public final class Embedding {
    public let count: Int
    public let dimension: Int
    public let table: Parameter
    private var cachedIds: [Int] = []

    /// - Parameter std: standard deviation of the N(0, std²) initialisation (PyTorch: 1).
    public init(count: Int, dimension: Int, sparse: Bool = true, std: Float = 1, name: String = "embedding",
                rng: inout SeededGenerator) {
        precondition(count > 0 && dimension > 0, "Embedding needs count and dimension > 0, got \(count)×\(dimension)")
        self.count = count
        self.dimension = dimension
        table = Parameter(name: "\(name).weight", value: Tensor.normal(shape: [count, dimension], std: std, using: &rng),
                          rowSparse: sparse)
    }

    public var parameters: [Parameter] { [table] }

    /// Training-mode lookup; remembers `ids` for `backward`.
    public func forward(_ ids: [Int]) -> Tensor {
        cachedIds = ids
        return infer(ids)
    }

    /// Evaluation-mode lookup (no caching).
    public func infer(_ ids: [Int]) -> Tensor {
        EmbeddingKernels.validate(ids, count: count, layer: "Embedding")
        let d = dimension
        var out = Tensor(shape: [ids.count, d])
        table.value.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { y in
                ids.withUnsafeBufferPointer { idp in
                    guard let wp = w.baseAddress, let yp = y.baseAddress else { return }
                    for (n, id) in idp.enumerated() { (yp + n * d).update(from: wp + id * d, count: d) }
                }
            }
        }
        return out
    }

    /// Accumulates dY (N, dimension) into the rows of `table.grad` that `forward` read.
    public func backward(_ gradOutput: Tensor) {
        let ids = cachedIds
        precondition(gradOutput.shape == [ids.count, dimension],
                     "Embedding.backward: gradOutput \(gradOutput.shape), expected [\(ids.count), \(dimension)]")
        let d = dimension
        gradOutput.withUnsafeBufferPointer { dy in
            table.grad.withUnsafeMutableBufferPointer { g in
                ids.withUnsafeBufferPointer { idp in
                    guard let dyp = dy.baseAddress, let gp = g.baseAddress else { return }
                    for (n, id) in idp.enumerated() { Kernels.axpy(d, 1, dyp + n * d, gp + id * d) }
                }
            }
        }
        table.markTouched(rows: ids)
    }
}

/// Checks shared by the lookup layers.
enum EmbeddingKernels {
    /// Traps with the offending position when an id is outside 0..<count: the fast paths write
    /// through unchecked pointers, so a bad id must never get that far. Ids come from our own
    /// vocabularies and id maps, so a bad one is a broken internal contract.
    static func validate(_ ids: [Int], count: Int, layer: String) {
        ids.withUnsafeBufferPointer { p in
            for (i, id) in p.enumerated() where UInt(bitPattern: id) >= UInt(count) {
                preconditionFailure("\(layer)(count \(count)) got id \(id) at position \(i); ids must be in 0..<\(count)")
            }
        }
    }
}

extension Embedding {
    /// Naive reference in Double: the definition, written out, for tests and gradient checks.
    public enum Reference {
        /// table (count, d), ids (N) → y (N, d).
        public static func forward(table: [Double], ids: [Int], dimension d: Int) -> [Double] {
            var y: [Double] = []
            for id in ids { y += table[(id * d)..<((id + 1) * d)] }
            return y
        }

        /// dTable (count, d) for upstream gradient dy (N, d).
        public static func backward(ids: [Int], dy: [Double], count: Int, dimension d: Int) -> [Double] {
            var dTable = [Double](repeating: 0, count: count * d)
            for (n, id) in ids.enumerated() {
                for j in 0..<d { dTable[id * d + j] += dy[n * d + j] }
            }
            return dTable
        }
    }
}
