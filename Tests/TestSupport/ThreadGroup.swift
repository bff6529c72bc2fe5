import Foundation
import NeuralNet

/// A training group whose members are threads of this process: what `MPIGroup` does across
/// processes, for tests of data-parallel code without mpirun. Every member must call the same
/// operations in the same order, each on its own thread (`ThreadGroup.run`).
public final class ThreadGroup: @unchecked Sendable {
    public let size: Int
    private let condition = NSCondition()
    private var slots: [[UInt8]?]
    private var arrived = 0, round = 0
    private var result: [[UInt8]] = []

    public init(size: Int) {
        self.size = size
        slots = Array(repeating: nil, count: size)
    }

    /// Runs `body` for every member at once, each on a thread of its own; returns their results in rank order.
    public func run<T>(_ body: @escaping @Sendable (Member) -> T) -> [T] {
        let results = ResultSlots<T>(count: size)
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread { [self] in
                results.set(rank, body(Member(rank: rank, group: self)))
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.values
    }

    /// Every member's `bytes`, in rank order, once all have arrived.
    func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        let mine = round
        slots[rank] = bytes
        arrived += 1
        if arrived == size {
            result = slots.map { $0! }
            slots = Array(repeating: nil, count: size)
            arrived = 0
            round += 1
            condition.broadcast()
        } else {
            // The next round cannot complete before this member joins it, so `result` is still this round's.
            while round == mine { condition.wait() }
        }
        return result
    }

    public final class Member: Collectives {
        public let rank: Int
        let group: ThreadGroup
        public var size: Int { group.size }

        init(rank: Int, group: ThreadGroup) {
            self.rank = rank
            self.group = group
        }

        public func allReduceSum(_ values: inout [Float]) {
            let members: [[Float]] = allGather(values)
            for k in values.indices { values[k] = members.reduce(0) { $0 + $1[k] } }
        }

        /// The totals in this member's part only, as `MPIGroup` (a read of another part's totals
        /// finds this member's own values there).
        public func reduceScatterSum(_ values: inout [Float], counts: [Int]) {
            var totals = values
            allReduceSum(&totals)
            let start = counts[..<rank].reduce(0, +)
            values.replaceSubrange(start..<(start + counts[rank]), with: totals[start..<(start + counts[rank])])
        }

        public func allGather(_ bytes: [UInt8]) -> [[UInt8]] { group.exchange(bytes, rank: rank) }

        public func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] { group.exchange(bytes, rank: rank)[root] }

        public func gather(_ bytes: [UInt8], to root: Int) -> [[UInt8]] {
            let all = group.exchange(bytes, rank: rank)
            return rank == root ? all : []
        }
    }

    private final class ResultSlots<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [T?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ k: Int, _ value: T) { lock.withLock { slots[k] = value } }
        var values: [T] { lock.withLock { slots.map { $0! } } }
    }
}
