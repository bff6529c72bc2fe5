import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct EmbeddingBagTests {
    let count = 7, dim = 3
    // Bags [3, 1, 3], [], [6], [0, 2, 5, 2], []: repeats, and empty bags in the middle and at the end.
    let offsets = [0, 3, 3, 4, 8, 8]
    let indices = [3, 1, 3, 6, 0, 2, 5, 2]

    @Test(arguments: EmbeddingBag.Mode.allCases)
    func referenceGradientMatchesFiniteDifferences(mode: EmbeddingBag.Mode) {
        var rng = SeededGenerator(seed: 21)
        let table = normals(count * dim, &rng), r = normals((offsets.count - 1) * dim, &rng)
        let weights = indices.map { _ in 0.2 + rng.nextUnitDouble() }
        let dTable = EmbeddingBag.Reference.backward(offsets: offsets, indices: indices, weights: weights, mode: mode,
                                                     dy: r, count: count, dimension: dim)
        let loss = { (t: [Double]) in
            GradientCheck.projectedLoss(EmbeddingBag.Reference.forward(
                table: t, offsets: offsets, indices: indices, weights: weights, mode: mode, dimension: dim), weights: r)
        }
        #expect(GradientCheck.maxRelativeError(dTable, GradientCheck.numericGradient(of: loss, at: table)) < 1e-8)
    }

    @Test(arguments: EmbeddingBag.Mode.allCases)
    func fastLayerMatchesReferenceOnRandomBags(mode: EmbeddingBag.Mode) {
        var rng = SeededGenerator(seed: 22)
        let layer = EmbeddingBag(count: 50, dimension: 9, mode: mode, rng: &rng)
        let lists = (0..<40).map { _ in (0..<rng.nextInt(below: 12)).map { _ in rng.nextInt(below: 50) } }
        let weights = lists.map { $0.map { _ in rng.nextUnitFloat() * 2 } }
        let bags = Bags(lists, weights: weights)
        let dy = Tensor.normal(shape: [40, 9], using: &rng)
        let y = layer.forward(bags)
        layer.backward(dy)
        let w = bags.weights.map(doubles)
        let refY = EmbeddingBag.Reference.forward(table: doubles(layer.table.value), offsets: bags.offsets,
                                                  indices: bags.indices, weights: w, mode: mode, dimension: 9)
        let refGrad = EmbeddingBag.Reference.backward(offsets: bags.offsets, indices: bags.indices, weights: w,
                                                      mode: mode, dy: doubles(dy), count: 50, dimension: 9)
        let forward = closeness(y.storage, floats(refY)), backward = closeness(layer.table.grad.storage, floats(refGrad))
        #expect(forward.ok, "\(forward.detail)")
        #expect(backward.ok, "\(backward.detail)")
        #expect(Set(layer.table.touchedRows) == Set(bags.indices))
    }

    /// A training group's member that backpropagates the whole batch (`ownedRowsOnly`) writes the
    /// rows it owns, with the bits of the whole backward, and no others; it marks every row read,
    /// and says the others are zero only if nothing else wrote the table this step.
    @Test(arguments: EmbeddingBag.Mode.allCases)
    func ownedRowsOnlyWritesTheOwnedRowsAndMarksEveryRowRead(mode: EmbeddingBag.Mode) {
        var rng = SeededGenerator(seed: 25)
        let lists = (0..<30).map { _ in (0..<rng.nextInt(below: 12)).map { _ in rng.nextInt(below: 50) } }
        let bags = Bags(lists, weights: lists.map { $0.map { _ in rng.nextUnitFloat() * 2 } })
        let dy = Tensor.normal(shape: [30, 9], using: &rng)
        let layers = (0..<2).map { _ in var seeded = SeededGenerator(seed: 26); return EmbeddingBag(count: 50, dimension: 9, mode: mode, rng: &seeded) }
        let (whole, member) = (layers[0], layers[1])
        let owners = RowOwners(rows: 50, members: 3, rank: 1)
        member.table.rowOwners = owners
        for layer in layers { _ = layer.forward(bags) }
        whole.backward(dy)
        member.backward(dy, ownedRowsOnly: true)
        for r in 0..<50 {
            let expected = owners.owned.contains(r) ? Array(whole.table.grad.row(r)) : [Float](repeating: 0, count: 9)
            #expect(Array(member.table.grad.row(r)) == expected, "row \(r)")
        }
        #expect(member.table.touchedRows == whole.table.touchedRows)
        #expect(member.table.isZeroOutsideOwnedRows && !whole.table.isZeroOutsideOwnedRows)
        // A second pass in the same step keeps that (it writes owned rows only); a plain one ends it.
        member.backward(dy, ownedRowsOnly: true)
        #expect(member.table.isZeroOutsideOwnedRows)
        member.backward(dy)
        #expect(!member.table.isZeroOutsideOwnedRows)
        member.backward(dy, ownedRowsOnly: true)  // the rows the plain pass wrote are not zero
        #expect(!member.table.isZeroOutsideOwnedRows)
        member.table.zeroGrad()
        #expect(member.table.grad.storage.allSatisfy { $0 == 0 } && member.table.touchedRows.isEmpty)
    }

    @Test(arguments: EmbeddingBag.Mode.allCases)
    func matchesPyTorch(mode: EmbeddingBag.Mode) throws {
        let g = try Golden.layers().embedding_bag
        let expected = try #require(g.modes[mode.rawValue])
        var rng = SeededGenerator(seed: 0)
        let layer = EmbeddingBag(count: g.count, dimension: g.dim, mode: mode, rng: &rng)
        layer.table.value = Tensor(shape: [g.count, g.dim], storage: g.table)
        let y = layer.forward(Bags(offsets: g.offsets, indices: g.indices, weights: g.weights))
        let forward = closeness(y.storage, expected.y, absolute: 1e-6, relative: 1e-6)
        #expect(forward.ok, "\(forward.detail)")
        layer.backward(Tensor(shape: [g.offsets.count - 1, g.dim], storage: g.dy))
        let backward = closeness(layer.table.grad.storage, expected.dtable, absolute: 1e-6, relative: 1e-6)
        #expect(backward.ok, "\(backward.detail)")
    }

    @Test(arguments: EmbeddingBag.Mode.allCases)
    func emptyBagGivesZeroRowAndNoGradient(mode: EmbeddingBag.Mode) {
        var rng = SeededGenerator(seed: 23)
        let layer = EmbeddingBag(count: 4, dimension: 2, mode: mode, rng: &rng)
        let bags = Bags([[], [1, 2], []], weights: [[], [0.5, 2], []])
        let y = layer.forward(bags)
        #expect(Array(y.row(0)) == [0, 0] && Array(y.row(2)) == [0, 0])
        layer.backward(Tensor(shape: [3, 2], repeating: 1))
        #expect(Set(layer.table.touchedRows) == [1, 2])
        #expect(layer.table.grad.row(0).allSatisfy { $0 == 0 } && layer.table.grad.row(3).allSatisfy { $0 == 0 })
    }

    @Test func meanOfRepeatedIdIsThatRow() {
        var rng = SeededGenerator(seed: 24)
        let layer = EmbeddingBag(count: 5, dimension: 4, mode: .mean, rng: &rng)
        let y = layer.infer(Bags([[3, 3, 3]]))
        #expect(closeness(y.storage, Array(layer.table.value.row(3))).ok)
    }

    @Test func weightedSumWithUnitWeightsEqualsSum() {
        var a = SeededGenerator(seed: 25), b = SeededGenerator(seed: 25)
        let sum = EmbeddingBag(count: 9, dimension: 5, mode: .sum, rng: &a)
        let weighted = EmbeddingBag(count: 9, dimension: 5, mode: .weightedSum, rng: &b)
        let lists = [[1, 4, 4], [0], [8, 2, 7, 1]]
        let ones = lists.map { $0.map { _ in Float(1) } }
        #expect(sum.infer(Bags(lists)) == weighted.infer(Bags(lists, weights: ones)))
    }

    @Test func bagsFromListsAreCompressedRows() {
        let bags = Bags([[5, 1], [], [2]], weights: [[0.5, 1], [], [2]])
        #expect(bags.offsets == [0, 2, 2, 3] && bags.indices == [5, 1, 2] && bags.weights == [0.5, 1, 2])
        #expect(bags.count == 3 && bags.range(1).isEmpty && bags.range(2) == 2..<3)
    }

    @Test func weightedModeWithoutWeightsIsRejected() async {
        await #expect(processExitsWith: .failure) {
            var rng = SeededGenerator(seed: 1)
            _ = EmbeddingBag(count: 3, dimension: 2, mode: .weightedSum, rng: &rng).forward(Bags([[0, 1]]))
        }
    }

    @Test func malformedOffsetsAreRejected() async {
        await #expect(processExitsWith: .failure) { _ = Bags(offsets: [0, 3, 2], indices: [0, 1]) }
    }
}
