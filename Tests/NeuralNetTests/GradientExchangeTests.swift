import NeuralNet
import TensorCore
import TestSupport
import Testing

/// `GradientExchange` among threads (`ThreadGroup`; `MPICheck exchange` does it across ranks): both
/// of its ways to sum a table — (row, gradient) pairs, the whole table in place — must give every
/// member the dense parameters' sums, the members' rows added in rank order, the union of the
/// touched rows, and zeros in the rows nobody touched.
@Suite struct GradientExchangeTests {
    /// Rows member r touches in each table of 12 rows (in this order): 2 (pairs); 7, a union of 8 of
    /// 12, just over half (whole); 10, a union of all 12 (whole).
    static func rows(_ table: String, _ r: Int) -> [Int] {
        switch table {
        case "pairs": [(r * 5) % 12, 11]
        case "half": [9, 3, 5, 1, 7, 2, 10 + r % 2]
        default: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].filter { $0 != r % 12 && $0 != (r + 6) % 12 }
        }
    }

    static func value(_ member: Int, _ table: Int, _ row: Int, _ j: Int) -> Float {
        Float(member + 1) * 0.37 + Float(table) * 0.11 + Float(row) / 8 + Float(j) / 64
    }

    static let tables = ["pairs", "half", "whole"]

    @Test(arguments: [2, 3])
    func everyWayOfSummingATableGivesTheRankOrderSum(members: Int) {
        let results = ThreadGroup(size: members).run { group -> [(grad: [Float], touched: [Int])] in
            let member = group.rank
            let dense = Parameter(name: "dense", value: Tensor(shape: [2, 3]))
            for i in 0..<6 { dense.grad.storage[i] = Self.value(member, 9, 0, i) }
            let tables = Self.tables.map { Parameter(name: $0, value: Tensor(shape: [12, 3]), rowSparse: true) }
            for (k, t) in tables.enumerated() {
                for r in Self.rows(t.name, member) {
                    t.markTouched(r)
                    for j in 0..<3 { t.grad.storage[r * 3 + j] = Self.value(member, k, r, j) }
                }
            }
            GradientExchange(group: group).sum([tables[0], dense, tables[1], tables[2]])
            return ([dense] + tables).map { ($0.grad.storage, $0.touchedRows) }
        }
        let denseSum = (0..<6).map { i in (0..<members).reduce(Float(0)) { $0 + Self.value($1, 9, 0, i) } }
        for (member, got) in results.enumerated() {
            #expect(got[0].grad == denseSum, "member \(member) of \(members): dense")
            for (k, name) in Self.tables.enumerated() {
                var sum = [Float](repeating: 0, count: 36), seen = Set<Int>(), union: [Int] = []
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
