#if MPI
    import MPITraining
    import NeuralNet

    /// The shim's collectives against results known exactly (small integers, exact in Float).
    struct CollectiveChecks {
        let group: MPIGroup

        func run() -> [String] {
            var failures: [String] = []
            let n = group.size, rank = group.rank
            var values = (0..<1003).map { Float(rank + 1) * Float($0 % 5) }
            group.allReduceSum(&values)
            let ranksSum = Float(n * (n + 1) / 2)
            if let i = values.indices.first(where: { values[$0] != ranksSum * Float($0 % 5) }) {
                failures.append("allReduceSum: element \(i) is \(values[i]), expected \(ranksSum * Float(i % 5))")
            }
            let gathered = group.allGather([UInt8](repeating: UInt8(rank), count: rank + 1))
            if gathered != (0..<n).map({ [UInt8](repeating: UInt8($0), count: $0 + 1) }) {
                failures.append("allGather: got lengths \(gathered.map(\.count)), expected 1...\(n)")
            }
            if group.allGather([UInt8]()) != [[UInt8]](repeating: [], count: n) { failures.append("allGather of nothing") }
            let last = n - 1
            let message = group.broadcast(rank == last ? Array("from rank \(last)".utf8) : [], from: last)
            if String(decoding: message, as: UTF8.self) != "from rank \(last)" { failures.append("broadcast: got \(message)") }
            failures += gatherChecks()
            failures += partChecks()
            let total = group.sumInRankOrder([Double(rank) + 0.5])[0]
            if total != Double(n * (n - 1) / 2) + 0.5 * Double(n) { failures.append("sumInRankOrder: \(total)") }
            return failures
        }

        /// `allGatherParts` (every rank's part in place), on a length that does not divide by the ranks.
        func partChecks() -> [String] {
            let n = group.size, rank = group.rank, part = group.contiguousPart(of: 1003)
            var failures: [String] = []
            var parts = [Float](repeating: -1, count: 1003)
            for i in part { parts[i] = Float(rank * 10_000 + i) }
            group.allGatherParts(&parts)
            let owner = { (i: Int) in (0..<n).first { (1003 * $0 / n)..<(1003 * ($0 + 1) / n) ~= i }! }
            if let i = parts.indices.first(where: { parts[$0] != Float(owner($0) * 10_000 + $0) }) {
                failures.append("allGatherParts: element \(i) is \(parts[i]), expected \(owner(i) * 10_000 + i)")
            }
            failures += countedPartChecks()
            return failures
        }

        /// `allGatherParts(_:counts:)` and `reduceScatterSum` with parts of a table's rows (rank r
        /// holds 2r + 1 rows of 3, the last rank none when there are over two).
        func countedPartChecks() -> [String] {
            let n = group.size, rank = group.rank
            let counts = (0..<n).map { n > 2 && $0 == n - 1 ? 0 : 3 * (2 * $0 + 1) }
            let starts = counts.indices.map { counts[..<$0].reduce(0, +) }
            let mine = starts[rank]..<(starts[rank] + counts[rank])
            var failures: [String] = []
            var parts = (0..<counts.reduce(0, +)).map { mine.contains($0) ? Float(rank * 1_000 + $0) : -1 }
            group.allGatherParts(&parts, counts: counts)
            let owner = { (i: Int) in counts.indices.first { (starts[$0]..<(starts[$0] + counts[$0])).contains(i) }! }
            if let i = parts.indices.first(where: { parts[$0] != Float(owner($0) * 1_000 + $0) }) {
                failures.append("allGatherParts(counts: \(counts)): element \(i) is \(parts[i]), expected \(owner(i) * 1_000 + i)")
            }
            var sums = parts.indices.map { Float(rank + 1) * Float($0 % 7) }
            group.reduceScatterSum(&sums, counts: counts)
            let ranksSum = Float(n * (n + 1) / 2)
            if let i = mine.first(where: { sums[$0] != ranksSum * Float($0 % 7) }) {
                failures.append("reduceScatterSum(counts: \(counts)): element \(i) is \(sums[i]), expected \(ranksSum * Float(i % 7))")
            }
            return failures
        }

        /// `gather` to the last rank, in rounds of a few bytes (lengths differ by rank), then of nothing.
        func gatherChecks() -> [String] {
            let n = group.size, rank = group.rank, root = n - 1
            let sent = { (r: Int) in (0..<(3 * r + 7)).map { UInt8((r * 31 + $0) % 251) } }
            group.gatherRoundBytes = 5 * n
            defer { group.gatherRoundBytes = 1 << 30 }
            var failures: [String] = []
            let parts = group.gather(sent(rank), to: root)
            if parts != (rank == root ? (0..<n).map(sent) : []) { failures.append("gather: got lengths \(parts.map(\.count))") }
            let none = group.gather([], to: 0)
            if none != (rank == 0 ? [[UInt8]](repeating: [], count: n) : []) { failures.append("gather of nothing: \(none)") }
            return failures
        }
    }
#endif
