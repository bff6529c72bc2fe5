/// A batch of variable-length bags of ids in compressed-row (CSR) form, the input of `EmbeddingBag`.
///
/// Bag b holds `indices[offsets[b]..<offsets[b + 1]]` (and the matching `weights`, if any).
/// `offsets` has B + 1 entries, starts at 0, never decreases and ends at `indices.count`: the
/// layout of `torch.nn.EmbeddingBag(..., include_last_offset=True)`. A bag with no ids is allowed.
public struct Bags: Sendable, Equatable {
    public let offsets: [Int]
    public let indices: [Int]
    /// Per-index weights (same count as `indices`), used by `EmbeddingBag.Mode.weightedSum`.
    public let weights: [Float]?

    public init(offsets: [Int], indices: [Int], weights: [Float]? = nil) {
        precondition(offsets.first == 0 && offsets.last == indices.count,
                     "Bags: offsets must run from 0 to indices.count (\(indices.count)), got first \(offsets.first.map(String.init) ?? "none") last \(offsets.last.map(String.init) ?? "none")")
        precondition(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }, "Bags: offsets must not decrease")
        precondition(weights == nil || weights!.count == indices.count,
                     "Bags: \(weights?.count ?? 0) weights for \(indices.count) indices")
        self.offsets = offsets
        self.indices = indices
        self.weights = weights
    }

    /// Bags from one id list per bag (and optionally one weight list per bag, of equal lengths).
    public init(_ lists: [[Int]], weights: [[Float]]? = nil) {
        precondition(weights == nil || weights!.map(\.count) == lists.map(\.count),
                     "Bags: weight lists must have the lengths of the id lists")
        var offsets = [0]
        offsets.reserveCapacity(lists.count + 1)
        for list in lists { offsets.append(offsets.last! + list.count) }
        self.init(offsets: offsets, indices: lists.flatMap { $0 }, weights: weights.map { $0.flatMap { $0 } })
    }

    /// Number of bags B.
    public var count: Int { offsets.count - 1 }

    /// The index range of bag `b` in `indices`.
    public func range(_ b: Int) -> Range<Int> { offsets[b]..<offsets[b + 1] }
}
