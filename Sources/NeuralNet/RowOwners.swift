/// How a table's rows are split among the members of a training group for the optimizer's update
/// (`Parameter.rowOwners`): member m owns the contiguous rows `bounds[m]..<bounds[m + 1]`. Every
/// member holds the same bounds; which member owns a row changes no result, only who does the work.
/// (Bounds weighted by how often the steps updated each row were tried and did not even out the
/// members' optimizer steps on anime: docs/benchmarks.md.)
public struct RowOwners: Equatable, Sendable {
    /// Members + 1 row indices, from 0 to the table's rows, not decreasing.
    public let bounds: [Int]
    /// This member.
    public let rank: Int

    /// Tables of fewer values stay updated whole by every member (`Collectives.smallestTableUpdatedInParts`):
    /// sharing their rows would cost a collective a step for updates of a few hundred values.
    public static let smallestTable = 1 << 16

    /// Parts of equal rows (`Collectives.contiguousPart`).
    public init(rows: Int, members: Int, rank: Int) {
        precondition(members > 0 && (0..<members).contains(rank), "RowOwners: rank \(rank) of \(members)")
        bounds = (0...members).map { rows * $0 / members }
        self.rank = rank
    }

    /// This member's rows.
    public var owned: Range<Int> { rows(of: rank) }

    /// The rows `member` owns.
    public func rows(of member: Int) -> Range<Int> { bounds[member]..<bounds[member + 1] }

    /// Each member's element count for rows of `width` elements, in rank order.
    public func counts(width: Int) -> [Int] {
        (0..<(bounds.count - 1)).map { (bounds[$0 + 1] - bounds[$0]) * width }
    }

    /// The member that owns `row`.
    public func owner(of row: Int) -> Int {
        var low = 0, high = bounds.count - 2  // the last member whose part starts at or before `row`
        while low < high {
            let middle = (low + high + 1) / 2
            if bounds[middle] <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
