@testable import NeuralNet
import TensorCore
import TestSupport
import Testing

/// `GradientExchange` among threads (`ThreadGroup`; `MPICheck exchange` does it across ranks): both
/// of its ways to sum a table — (row, gradient) pairs, the whole table in place — must give every
/// member the dense parameters' sums, the members' rows added in rank order, the union of the
/// touched rows, and zeros in the rows nobody touched.
@Suite struct GradientExchangeTests {
    /// Rows member r touches in each table of 12 rows (in this order): 2 (pairs); 7, a union of 8 of
    /// 12, just over half (whole, with the dense sum); 10, a union of all 12 (whole, with the dense
    /// sum); 5, four in a block of their own and row 11 (member 2: row 3) (split among 2 or 3
    /// owners, the rows a member owns but for 1 or 2: pairs of those few, although the union is 9
    /// or all 12 rows; with 3, members 0 and 1 both send row 11 to its owner, who touched it too, and
    /// the rank order must hold). And in a table too large for the dense sum (`largeRows`): two rows
    /// in three, a union of all.
    static func rows(_ table: String, _ r: Int) -> [Int] {
        switch table {
        case "pairs": [(r * 5) % 12, 11]
        case "half": [9, 3, 5, 1, 7, 2, 10 + r % 2]
        case "own": r < 3 ? [r < 2 ? 11 : 3] + Array((4 * r)..<(4 * r + 4)) : []
        case "large": (0..<largeRows).filter { ($0 + r) % 3 != 0 }
        default: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].filter { $0 != r % 12 && $0 != (r + 6) % 12 }
        }
    }

    static let largeRows = RowOwners.smallestTable / 3 + 1
    static func rowCount(_ table: String) -> Int { table == "large" ? largeRows : 12 }

    static func value(_ member: Int, _ table: Int, _ row: Int, _ j: Int) -> Float {
        Float(member + 1) * 0.37 + Float(table) * 0.11 + Float(row) / 8 + Float(j) / 64
    }

    static let tables = ["pairs", "half", "whole", "own"]

    @Test(arguments: [2, 3])
    func everyWayOfSummingATableGivesTheRankOrderSum(members: Int) {
        let names = Self.tables + ["large"]
        let results = ThreadGroup(size: members).run { group -> [(grad: [Float], touched: [Int])] in
            let member = group.rank
            let dense = Parameter(name: "dense", value: Tensor(shape: [2, 3]))
            for i in 0..<6 { dense.grad.storage[i] = Self.value(member, 9, 0, i) }
            let tables = names.map { Parameter(name: $0, value: Tensor(shape: [Self.rowCount($0), 3]), rowSparse: true) }
            #expect(tables.map(GradientExchange.isPackedWhenWhole) == [true, true, true, true, false])
            for (k, t) in tables.enumerated() {
                for r in Self.rows(t.name, member) {
                    t.markTouched(r)
                    for j in 0..<3 { t.grad.storage[r * 3 + j] = Self.value(member, k, r, j) }
                }
            }
            GradientExchange(group: group).sum([tables[0], dense, tables[1], tables[4], tables[2], tables[3]])
            return ([dense] + tables).map { ($0.grad.storage, $0.touchedRows) }
        }
        let denseSum = (0..<6).map { i in (0..<members).reduce(Float(0)) { $0 + Self.value($1, 9, 0, i) } }
        for (member, got) in results.enumerated() {
            #expect(got[0].grad == denseSum, "member \(member) of \(members): dense")
            for (k, name) in names.enumerated() {
                var sum = [Float](repeating: 0, count: 3 * Self.rowCount(name)), seen = Set<Int>(), union: [Int] = []
                for m in 0..<members {
                    for r in Self.rows(name, m) {
                        for j in 0..<3 { sum[r * 3 + j] += Self.value(m, k, r, j) }
                        if seen.insert(r).inserted { union.append(r) }
                    }
                }
                #expect(got[k + 1].grad == sum, "member \(member) of \(members): \(name)")
                #expect(Set(got[k + 1].touched) == Set(union) && got[k + 1].touched.count == union.count,
                        "member \(member) of \(members): \(name) touched \(got[k + 1].touched), union \(union)")
            }
        }
    }
}

/// Adam's tables updated by their owners alone (`Parameter.rowOwners`: the whole-table sum a
/// reduce-scatter, pairs only of the rows a member does not own, each member's rows of the step
/// shared after it) must leave every member with the bits of one process's Adam on the summed
/// gradients, step after step, while the tables change between pairs and whole, and with every
/// gradient cleared; `gatherOwnedMoments` then gives one process's whole state.
@Suite struct OwnedRowUpdateTests {
    typealias Rows = GradientExchangeTests

    /// Step s of table k touches the rows of `GradientExchangeTests.tables[(k + s) % 4]`.
    static func kind(_ table: Int, _ step: Int) -> String { Rows.tables[(table + step) % Rows.tables.count] }

    static func gradient(_ member: Int, _ table: Int, _ step: Int, _ row: Int, _ j: Int) -> Float {
        Rows.value(member, table, row, j) * (step % 2 == 0 ? 1 : -0.5) + Float(step) / 16
    }

    static func parameters() -> [Parameter] {
        [Parameter(name: "dense", value: Tensor(shape: [2, 3], storage: (0..<6).map { Float($0) / 10 }))]
            + (0..<3).map { k in
                Parameter(name: "table\(k)", value: Tensor(shape: [12, 3], storage: (0..<36).map { Float($0 + k) / 40 }), rowSparse: true)
            }
    }

    /// This member's (or, with `members`, the summed) gradients of `step`.
    static func setGradients(_ parameters: [Parameter], step: Int, members: Range<Int>) {
        for m in members {
            for i in 0..<6 { parameters[0].grad.storage[i] += gradient(m, 9, step, 0, i) }
            for k in 0..<3 {
                for r in Rows.rows(kind(k, step), m) {
                    parameters[k + 1].markTouched(r)
                    for j in 0..<3 { parameters[k + 1].grad.storage[r * 3 + j] += gradient(m, k, step, r, j) }
                }
            }
        }
    }

    @Test(arguments: [2, 3])
    func ownersUpdateTheirRowsAndEveryMemberEndsWithOneProcesssBits(members: Int) {
        let steps = 4
        let results = ThreadGroup(size: members).run { group -> [[[Float]]] in
            let parameters = Self.parameters()
            for p in parameters where p.isRowSparse { p.rowOwners = RowOwners(rows: 12, members: group.size, rank: group.rank) }
            let adam = Adam(parameters: parameters, learningRate: 0.05)
            let exchange = GradientExchange(group: group)
            var values: [[[Float]]] = []
            for step in 0..<steps {
                Self.setGradients(parameters, step: step, members: group.rank..<(group.rank + 1))
                exchange.sum(parameters)
                let updated = exchange.rowsToShare(parameters)
                adam.stepThenZeroGrad()
                exchange.shareUpdatedRows(updated)
                #expect(parameters.allSatisfy { $0.grad.storage.allSatisfy { $0 == 0 } && $0.touchedRows.isEmpty })
                values.append(parameters.map(\.value.storage))
            }
            adam.gatherOwnedMoments(in: group)
            let state = adam.state()
            values.append(parameters.flatMap { [state.tensors["\($0.name).exp_avg"]!.storage, state.tensors["\($0.name).exp_avg_sq"]!.storage] })
            return values
        }
        let parameters = Self.parameters()
        let adam = Adam(parameters: parameters, learningRate: 0.05)
        var expected: [[[Float]]] = []
        for step in 0..<steps {
            Self.setGradients(parameters, step: step, members: 0..<members)
            adam.stepThenZeroGrad()
            expected.append(parameters.map(\.value.storage))
        }
        let state = adam.state()
        expected.append(parameters.flatMap { [state.tensors["\($0.name).exp_avg"]!.storage, state.tensors["\($0.name).exp_avg_sq"]!.storage] })
        for (member, got) in results.enumerated() {
            for step in 0...steps {
                for k in expected[step].indices {
                    #expect(got[step][k] == expected[step][k],
                            "member \(member) of \(members), \(step < steps ? "values after step \(step + 1)" : "moments"), parameter \(k)")
                }
            }
        }
    }
}
