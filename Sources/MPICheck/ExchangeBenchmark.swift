#if MPI
    import Foundation
    import MPITraining
    import NeuralNet
    import TensorCore

    /// The two ways to sum an embedding table's gradient, timed on one table of `rows` × 32 as the
    /// share of rows each rank touches grows: (row, gradient) pairs (`GradientExchange`'s form for
    /// tables with at most half their rows touched) against an allreduce of the whole table.
    /// Rank 0 prints one line per share: milliseconds per exchange, the median of 7.
    struct ExchangeBenchmark {
        let group: MPIGroup
        let rows: Int
        let width = 32

        func run() -> [String] {
            for share in [0.001, 0.01, 0.1, 0.5, 0.9] {
                let touched = max(1, Int(Double(rows) * share))
                var rng = SeededGenerator(seed: 7, stream: "bench-\(group.rank)")
                var order = Array(0..<rows)
                rng.shuffle(&order)
                let mine = Array(order.prefix(touched))
                let p = table(touching: mine)
                let pairs = median { pairsExchange(p, mine) }
                let whole = median { wholeExchange(p) }
                if group.rank == 0 {
                    print(String(format: "ranks %d, table %d x %d, touched %5.1f%%: pairs %8.2f ms, whole table %8.2f ms",
                                 group.size, rows, width, share * 100, pairs, whole))
                }
            }
            return []
        }

        private func median(_ body: () -> Void) -> Double {
            let times = (0..<7).map { _ in
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            }
            return times.sorted()[3]
        }

        private func table(touching mine: [Int]) -> Parameter {
            let p = Parameter(name: "table", value: Tensor(shape: [rows, width]), rowSparse: true)
            for r in mine {
                p.markTouched(r)
                for j in 0..<width { p.grad.storage[r * width + j] = 1 }
            }
            return p
        }

        /// The exchange as `GradientExchange` does it for a table summed as pairs.
        private func pairsExchange(_ p: Parameter, _ mine: [Int]) {
            let rowsByRank = group.allGather(mine.map { Int64($0) })
            let values = group.allGather(mine.flatMap { r in p.grad.storage[(r * width)..<((r + 1) * width)] })
            p.zeroGrad()
            for (list, gradients) in zip(rowsByRank, values) {
                for (k, r) in list.enumerated() { for j in 0..<width { p.grad.storage[Int(r) * width + j] += gradients[k * width + j] } }
            }
        }

        private func wholeExchange(_ p: Parameter) {
            var buffer = p.grad.storage
            group.allReduceSum(&buffer)
            p.grad.storage = buffer
        }
    }
#endif
