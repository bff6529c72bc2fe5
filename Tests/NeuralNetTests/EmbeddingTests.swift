import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct EmbeddingTests {
    let count = 6, dim = 3
    let ids = [4, 0, 4, 2, 5, 4, 1]

    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 11)
        let table = normals(count * dim, &rng), r = normals(ids.count * dim, &rng)
        let dTable = Embedding.Reference.backward(ids: ids, dy: r, count: count, dimension: dim)
        let numeric = GradientCheck.numericGradient(
            of: { GradientCheck.projectedLoss(Embedding.Reference.forward(table: $0, ids: ids, dimension: dim), weights: r) },
            at: table)
        #expect(GradientCheck.maxRelativeError(dTable, numeric) < 1e-8)
    }

    @Test func fastLayerMatchesReference() {
        var rng = SeededGenerator(seed: 12)
        let layer = Embedding(count: count, dimension: dim, rng: &rng)
        let dy = Tensor.normal(shape: [ids.count, dim], using: &rng)
        let y = layer.forward(ids)
        layer.backward(dy)
        let table = doubles(layer.table.value)
        #expect(y.shape == [ids.count, dim])
        #expect(y.storage == floats(Embedding.Reference.forward(table: table, ids: ids, dimension: dim)))
        let ref = Embedding.Reference.backward(ids: ids, dy: doubles(dy), count: count, dimension: dim)
        let check = closeness(layer.table.grad.storage, floats(ref))
        #expect(check.ok, "\(check.detail)")
    }

    @Test func matchesPyTorch() throws {
        let g = try Golden.layers().embedding
        var rng = SeededGenerator(seed: 0)
        let layer = Embedding(count: g.count, dimension: g.dim, rng: &rng)
        layer.table.value = Tensor(shape: [g.count, g.dim], storage: g.table)
        #expect(layer.forward(g.ids).storage == g.y)
        layer.backward(Tensor(shape: [g.ids.count, g.dim], storage: g.dy))
        let check = closeness(layer.table.grad.storage, g.dtable, absolute: 1e-6, relative: 1e-6)
        #expect(check.ok, "\(check.detail)")
    }

    @Test func sparseBackwardTouchesOnlyLookedUpRows() {
        var rng = SeededGenerator(seed: 13)
        let layer = Embedding(count: count, dimension: dim, rng: &rng)
        _ = layer.forward(ids)
        layer.backward(Tensor(shape: [ids.count, dim], repeating: 1))
        #expect(layer.table.isRowSparse)
        #expect(layer.table.touchedRows == [4, 0, 2, 5, 1])
        // Row 4 is looked up three times, so its gradient accumulates three contributions.
        #expect(Array(layer.table.grad.row(4)) == [3, 3, 3])
        #expect(layer.table.grad.row(3).allSatisfy { $0 == 0 })
        layer.table.zeroGrad()
        #expect(layer.table.touchedRows.isEmpty && layer.table.grad.storage.allSatisfy { $0 == 0 })
    }

    @Test func denseModeGivesTheSameGradientWithoutTracking() {
        var a = SeededGenerator(seed: 14), b = SeededGenerator(seed: 14)
        let sparse = Embedding(count: count, dimension: dim, sparse: true, rng: &a)
        let dense = Embedding(count: count, dimension: dim, sparse: false, rng: &b)
        var rng = SeededGenerator(seed: 15)
        let dy = Tensor.normal(shape: [ids.count, dim], using: &rng)
        for layer in [sparse, dense] {
            _ = layer.forward(ids)
            layer.backward(dy)
        }
        #expect(sparse.table.grad == dense.table.grad)
        #expect(!dense.table.isRowSparse && dense.table.touchedRows.isEmpty)
    }

    @Test func inferDoesNotDisturbAPendingBackward() {
        var rng = SeededGenerator(seed: 16)
        let layer = Embedding(count: count, dimension: dim, rng: &rng)
        _ = layer.forward([1, 2])
        _ = layer.infer([3, 3, 3])
        layer.backward(Tensor(shape: [2, dim], repeating: 1))
        #expect(layer.table.touchedRows == [1, 2])
    }

    @Test func initialisationIsSeededWithTheRequestedSpread() {
        var a = SeededGenerator(seed: 17), b = SeededGenerator(seed: 17)
        let one = Embedding(count: 200, dimension: 10, std: 0.1, rng: &a)
        let two = Embedding(count: 200, dimension: 10, std: 0.1, rng: &b)
        #expect(one.table.value == two.table.value)
        let values = doubles(one.table.value)
        let std = (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(std - 0.1) < 0.01)
    }

    @Test func rejectsAnIdOutsideTheTable() async {
        await #expect(processExitsWith: .failure) {
            var rng = SeededGenerator(seed: 1)
            _ = Embedding(count: 3, dimension: 2, rng: &rng).forward([0, 3])
        }
    }
}
