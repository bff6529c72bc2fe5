import NeuralNet
import TestSupport
import Testing

/// `RowOwners`: the split is `Collectives.contiguousPart`'s, and `owner(of:)` and `counts` agree with it.
@Suite struct RowOwnersTests {
    @Test(arguments: [(12, 2), (12, 3), (7, 3), (2, 3), (1_003, 7)])
    func theEvenSplitIsContiguousPart(rows: Int, members: Int) {
        let parts = ThreadGroup(size: members).run { group in group.contiguousPart(of: rows) }
        for rank in 0..<members {
            let owners = RowOwners(rows: rows, members: members, rank: rank)
            #expect(owners.owned == parts[rank])
            #expect(owners.counts(width: 3) == parts.map { $0.count * 3 })
            for r in parts[rank] { #expect(owners.owner(of: r) == rank, "row \(r)") }
        }
    }
}
