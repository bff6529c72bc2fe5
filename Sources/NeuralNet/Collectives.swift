/// The collective operations data-parallel training needs from a group of processes (MPI's world
/// communicator in `MPITraining`; nothing in a one-process build). Every member calls the same
/// operations in the same order; each returns the same result on every member.
public protocol Collectives: AnyObject {
    /// This process's place in the group, from 0.
    var rank: Int { get }
    /// Processes in the group.
    var size: Int { get }
    /// Sums `values` element-wise across the group, in place (MPI_Allreduce). The reduction order
    /// is fixed by the group's size and the length, not by timing, so every member gets the same bits.
    func allReduceSum(_ values: inout [Float])
    /// Sums `values` element-wise across the group into this member's part (`counts[rank]` elements
    /// after the earlier members' counts; MPI_Reduce_scatter). Elsewhere `values` keeps this member's
    /// own values or gets the totals: only the part may be read as totals. The group's size and the
    /// counts fix the order of the sums, not timing.
    func reduceScatterSum(_ values: inout [Float], counts: [Int])
    /// Fills `values` in place from every member's part: member r's `counts[r]` elements, the parts
    /// one after another in rank order, so every member ends with the same array (MPI_Allgatherv).
    func allGatherParts(_ values: inout [Float], counts: [Int])
    /// Every member's `bytes` (lengths may differ), in rank order.
    func allGather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Rank `root`'s `bytes` on every member (the others' arguments are ignored). Waiting members sleep.
    func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8]
    /// Every member's `bytes` (lengths may differ, any total), in rank order, on member `root`;
    /// an empty list on the others. Waiting members sleep.
    func gather(_ bytes: [UInt8], to root: Int) -> [[UInt8]]
    /// Called after every optimizer step with the parameters; a group may check that all members
    /// hold the same values (a test mode of `MPITraining`).
    func stepFinished(_ parameters: [Parameter])
    /// Embedding tables of at least this many values have their rows' optimizer updates split among
    /// the members (`Parameter.rowOwners`); smaller ones cost less to update whole on each than to share.
    var smallestTableUpdatedInParts: Int { get }
}

extension Collectives {
    /// Every member's `values`, in rank order.
    public func allGather<T: BitwiseCopyable>(_ values: [T]) -> [[T]] {
        let bytes = values.withUnsafeBytes { Array($0) }
        return allGather(bytes).map { member in
            member.withUnsafeBytes { raw in
                [T](unsafeUninitializedCapacity: member.count / MemoryLayout<T>.stride) { buffer, count in
                    count = buffer.count
                    if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
                }
            }
        }
    }

    /// `values` summed across the group in rank order (the same bits on every member, whatever the timing).
    public func sumInRankOrder(_ values: [Double]) -> [Double] {
        allGather(values).reduce(into: [Double](repeating: 0, count: values.count)) { total, member in
            for k in total.indices { total[k] += member[k] }
        }
    }

    public func stepFinished(_ parameters: [Parameter]) {}

    public var smallestTableUpdatedInParts: Int { RowOwners.smallestTable }

    /// `allGatherParts(_:counts:)` with every member's `contiguousPart(of: values.count)`.
    public func allGatherParts(_ values: inout [Float]) {
        allGatherParts(&values, counts: RowOwners(rows: values.count, members: size, rank: rank).counts(width: 1))
    }

    public func allGatherParts(_ values: inout [Float], counts: [Int]) { allGatherPartsAsBytes(&values, counts: counts) }

    /// Every total, this member's part among them.
    public func reduceScatterSum(_ values: inout [Float], counts: [Int]) { allReduceSum(&values) }

    /// `allGatherParts` through `allGather` (any length).
    public func allGatherPartsAsBytes(_ values: inout [Float], counts: [Int]) {
        precondition(counts.count == size && counts.reduce(0, +) == values.count, "allGatherParts: \(counts) for \(values.count) values")
        let start = counts[..<rank].reduce(0, +)
        let parts: [[Float]] = allGather(Array(values[start..<(start + counts[rank])]))
        values = parts.flatMap { $0 }
        precondition(values.count == counts.reduce(0, +), "allGatherParts: members passed different lengths")
    }

    /// This member's part of `count` elements cut into `size` contiguous parts in rank order
    /// (sizes differ by at most one).
    public func contiguousPart(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }
}
