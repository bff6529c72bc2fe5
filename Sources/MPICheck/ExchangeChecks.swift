#if MPI
    import MPITraining
    import NeuralNet
    import TensorCore

    /// `GradientExchange` across the ranks against the sums each rank can compute alone: every
    /// rank's contribution is a known function of its rank, added in rank order.
    struct ExchangeChecks {
        let group: MPIGroup

        /// Rows of the 100-row table rank r touches (under a tenth: summed as pairs) (in this order): its own, the next, and row 7.
        static func pairRows(_ r: Int) -> [Int] { [r, r + 1, 7] }
        /// Rows of the 4-row table every rank touches: 3 of 4, so it is summed whole.
        static let wholeRows = [2, 0, 1]

        static func gradient(_ rank: Int, _ row: Int, _ j: Int) -> Float { Float(rank + 1) + Float(row) / 8 + Float(j) / 64 }

        func run() -> [String] {
            let dense = Parameter(name: "dense", value: Tensor(shape: [3, 4]))
            let pairs = Parameter(name: "pairs", value: Tensor(shape: [100, 3]), rowSparse: true)
            let whole = Parameter(name: "whole", value: Tensor(shape: [4, 2]), rowSparse: true)
            let idle = Parameter(name: "idle", value: Tensor(shape: [2]))
            idle.isIdle = true
            Self.fill(dense, rank: group.rank, rows: [0, 1, 2])
            Self.fill(pairs, rank: group.rank, rows: Self.pairRows(group.rank))
            Self.fill(whole, rank: group.rank, rows: Self.wholeRows)
            idle.grad.storage = [Float(group.rank), 1]
            GradientExchange(group: group).sum([dense, pairs, idle, whole])

            var failures: [String] = []
            let ranks = 0..<group.size
            for (p, lists) in [(dense, ranks.map { _ in [0, 1, 2] }), (pairs, ranks.map(Self.pairRows)),
                               (whole, ranks.map { _ in Self.wholeRows })] {
                let expected = Self.expectedSum(p, lists)
                if p.grad.storage != expected { failures.append("\(p.name): \(p.grad.storage), expected \(expected)") }
            }
            var seen = Set<Int>()  // the union in rank order, written independently of the exchange's
            let union = ranks.flatMap(Self.pairRows).filter { seen.insert($0).inserted }
            if pairs.touchedRows != union { failures.append("pairs touched \(pairs.touchedRows), expected \(union)") }
            if whole.touchedRows != Self.wholeRows { failures.append("whole touched \(whole.touchedRows)") }
            if idle.grad.storage != [Float(group.rank), 1] { failures.append("idle parameter changed: \(idle.grad.storage)") }
            return failures
        }

        /// Sets the gradient of `rows` (marking them touched) to this rank's values.
        static func fill(_ p: Parameter, rank: Int, rows: [Int]) {
            let width = p.rowWidth
            for r in rows {
                p.markTouched(r)
                for j in 0..<width { p.grad.storage[r * width + j] = gradient(rank, r, j) }
            }
        }

        /// 0 + g₀ + g₁ + … per element, ranks in order, each rank adding its rows.
        static func expectedSum(_ p: Parameter, _ rowsByRank: [[Int]]) -> [Float] {
            let width = p.rowWidth
            var sum = [Float](repeating: 0, count: p.elementCount)
            for (rank, rows) in rowsByRank.enumerated() {
                for r in rows { for j in 0..<width { sum[r * width + j] += gradient(rank, r, j) } }
            }
            return sum
        }
    }
#endif
