import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct OptimizerTests {
    func optimizer(_ name: String, _ p: Parameter) -> any Optimizer {
        switch name {
        case "adam": return Adam(parameters: [p], learningRate: 0.05, betas: (0.8, 0.95), eps: 1e-6, weightDecay: 0.1)
        case "adamw": return Adam(parameters: [p], learningRate: 0.05, weightDecay: 0.2, decoupledWeightDecay: true)
        case "sgd_momentum": return SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.05)
        case "sgd_nesterov": return SGD(parameters: [p], learningRate: 0.1, momentum: 0.5, nesterov: true)
        default: return SGD(parameters: [p], learningRate: 0.3)
        }
    }

    @Test(arguments: ["adam", "adamw", "sgd_momentum", "sgd_nesterov", "sgd_plain"])
    func denseStepsMatchPyTorch(name: String) throws {
        let g = try Golden.optimizers().dense
        let expected = try #require(g.runs[name])
        let p = Parameter(name: "w", value: Tensor(shape: g.shape, storage: g.initial))
        let opt = optimizer(name, p)
        for (step, grad) in g.grads.enumerated() {
            opt.zeroGrad()
            p.grad = Tensor(shape: g.shape, storage: grad)
            opt.step()
            let check = closeness(p.value.storage, expected[step], absolute: 1e-6, relative: 1e-6)
            #expect(check.ok, "\(name) step \(step + 1): \(check.detail)")
        }
    }

    @Test func rowSparseAdamMatchesSparseAdam() throws {
        let g = try Golden.optimizers().sparse_adam
        let table = Parameter(name: "table", value: Tensor(shape: g.shape, storage: g.initial), rowSparse: true)
        let adam = Adam(parameters: [table], learningRate: g.lr, betas: (g.betas[0], g.betas[1]), eps: g.eps)
        let width = g.shape[1]
        for (k, step) in g.steps.enumerated() {
            adam.zeroGrad()
            table.grad.withUnsafeMutableBufferPointer { grad in
                for (i, row) in step.rows.enumerated() {
                    for j in 0..<width { grad[row * width + j] += step.contributions[i * width + j] }
                }
            }
            table.markTouched(rows: step.rows)
            adam.step()
            let check = closeness(table.value.storage, g.values[k], absolute: 1e-6, relative: 1e-6)
            #expect(check.ok, "step \(k + 1): \(check.detail)")
        }
        // Step 3 touched nothing, so it did not count (PyTorch skips empty sparse gradients).
        #expect(adam.steps == [g.steps.filter { !$0.rows.isEmpty }.count])
    }

    @Test(arguments: ["adam", "sgd_momentum"])
    func lazyUpdatesLeaveUntouchedRowsAndTheirStateAlone(name: String) {
        var rng = SeededGenerator(seed: 61)
        let initial = Tensor.normal(shape: [5, 3], using: &rng)
        let table = Parameter(name: "table", value: initial, rowSparse: true)
        let opt = optimizer(name, table)
        for rows in [[0, 2], [2, 4], [2]] {
            opt.zeroGrad()
            let before = table.value, stateBefore = opt.state()
            for r in rows { for j in 0..<3 { table.grad[r, j] = rng.nextNormal() } }
            table.markTouched(rows: rows)
            opt.step()
            for r in 0..<5 where !rows.contains(r) {
                #expect(table.value.row(r) == before.row(r), "row \(r) moved without gradient")
                for (key, t) in opt.state().tensors { #expect(t.row(r) == stateBefore.tensors[key]!.row(r), "\(key) row \(r)") }
            }
            for r in rows { #expect(table.value.row(r) != before.row(r), "touched row \(r) did not move") }
        }
        #expect(table.value.row(1) == initial.row(1) && table.value.row(3) == initial.row(3))
    }

    /// Above a quarter of the table the touched rows come in row order, in runs of consecutive rows
    /// (Adam's pass streams through the table), at or below it one by one in first-touch order; a
    /// dense parameter has none.
    @Test func touchedRowsStreamInRowOrderAboveAQuarterOfTheTable() {
        let table = Parameter(name: "t", value: Tensor(shape: [8, 2]), rowSparse: true)
        func streamed(_ p: Parameter) -> [Range<Int>] {
            var runs: [Range<Int>] = []
            p.forEachTouchedRunStreaming { runs.append($0) }
            return runs
        }
        table.markTouched(rows: [7, 2])
        #expect(streamed(table) == [7..<8, 2..<3])
        table.markTouched(rows: [5, 7])
        #expect(streamed(table) == [2..<3, 5..<6, 7..<8])
        table.markTouched(rows: [6, 0])
        #expect(streamed(table) == [0..<1, 2..<3, 5..<8])
        table.zeroGrad()
        #expect(streamed(table).isEmpty)
        #expect(streamed(Parameter(name: "d", value: Tensor(shape: [3]))).isEmpty)
    }

    /// A run of rows is updated as its rows one by one: a bias table of 9 rows (one run when all are
    /// touched) against nine tables of one row, the same gradients, three steps.
    @Test func aRunOfRowsIsUpdatedAsItsRowsOneByOne() {
        var rng = SeededGenerator(seed: 63)
        let initial = Tensor.normal(shape: [9, 1], using: &rng)
        let table = Parameter(name: "bias", value: initial, rowSparse: true)
        let rows = (0..<9).map { Parameter(name: "row\($0)", value: Tensor(shape: [1, 1], storage: [initial.storage[$0]]), rowSparse: true) }
        let (whole, apart) = (Adam(parameters: [table], learningRate: 0.1), Adam(parameters: rows, learningRate: 0.1))
        for step in 0..<3 {
            for r in 0..<9 {
                let g = Float(r + 1) * (step == 1 ? -0.3 : 0.7)
                table.grad.storage[r] = g
                rows[r].grad.storage[0] = g
                rows[r].markTouched(0)
            }
            table.markTouched(rows: Array(0..<9))
            whole.stepThenZeroGrad()
            apart.stepThenZeroGrad()
            #expect(table.value.storage == rows.map { $0.value.storage[0] }, "step \(step)")
        }
    }

    @Test func touchedRowUpdatesDoNotDependOnOtherRows() {
        // A row touched in every step sees the same updates whichever rows are touched beside it.
        var rng = SeededGenerator(seed: 62)
        let initial = Tensor.normal(shape: [4, 2], using: &rng)
        let a = Parameter(name: "a", value: initial, rowSparse: true)
        let b = Parameter(name: "b", value: initial, rowSparse: true)
        let (adamA, adamB) = (Adam(parameters: [a], learningRate: 0.1), Adam(parameters: [b], learningRate: 0.1))
        for step in 0..<4 {
            adamA.zeroGrad(); adamB.zeroGrad()
            let g: [Float] = [rng.nextNormal(), rng.nextNormal()]
            a.grad[1, 0] = g[0]; a.grad[1, 1] = g[1]; a.markTouched(1)
            b.grad[1, 0] = g[0]; b.grad[1, 1] = g[1]; b.markTouched(1)
            if step % 2 == 0 { b.grad[3, 0] = 1; b.markTouched(3) }
            adamA.step(); adamB.step()
        }
        #expect(a.value.row(1) == b.value.row(1))
        #expect(a.value.row(3) == initial.row(3) && b.value.row(3) != initial.row(3))
    }

    @Test(arguments: [false, true])
    func stepThenZeroGradIsAStepThenZeroGrad(large: Bool) {
        // Adam's fused form (each gradient element zeroed as its update reads it) gives the bits of
        // step() then zeroGrad(): values, moments, a gradient of zeros and no touched rows, for a
        // table (rows touched few or over a quarter: both walks), a dense parameter and an idle one.
        var rng = SeededGenerator(seed: 64)
        let table0 = Tensor.normal(shape: [8, 3], using: &rng), dense0 = Tensor.normal(shape: [5], using: &rng)
        func parameters() -> [Parameter] {
            [Parameter(name: "t", value: table0, rowSparse: true), Parameter(name: "w", value: dense0),
             Parameter(name: "idle", value: dense0)]
        }
        let (fused, separate) = (parameters(), parameters())
        let (adamFused, adamSeparate) = (Adam(parameters: fused, learningRate: 0.05), Adam(parameters: separate, learningRate: 0.05))
        adamFused.penalties = [0.02, 0, 0]; adamSeparate.penalties = [0.02, 0, 0]
        let steps: [[Int]] = large ? [[1, 6, 2, 7], [0, 1, 2, 3, 4, 5, 6]] : [[5], [], [2, 5]]
        for (k, rows) in steps.enumerated() {
            for ps in [fused, separate] { ps[2].isIdle = k % 2 == 0 }
            adamSeparate.zeroGrad()  // the fused one is already clear
            for r in rows {
                for j in 0..<3 {
                    let g = rng.nextNormal()
                    fused[0].grad[r, j] = g; separate[0].grad[r, j] = g
                }
            }
            fused[0].markTouched(rows: rows); separate[0].markTouched(rows: rows)
            for p in 1...2 {
                for j in 0..<5 {
                    let g = rng.nextNormal()
                    fused[p].grad[j] = g; separate[p].grad[j] = g
                }
            }
            adamFused.stepThenZeroGrad()
            adamSeparate.step()
            for (a, b) in zip(fused, separate) { #expect(a.value.storage == b.value.storage, "\(a.name) after rows \(rows)") }
            #expect(adamFused.state() == adamSeparate.state())
            for p in fused {
                #expect(p.grad.storage.allSatisfy { $0 == 0 } && p.touchedRows.isEmpty, "\(p.name) cleared after rows \(rows)")
            }
        }
        #expect(fused[0].value.storage != table0.storage && fused[2].value.storage != dense0.storage)
    }

    @Test func penaltiesInTheStepEqualRegularisingTheGradientFirst() {
        // The trainer's embedding regularisation inside Adam's step gives the bits of the pass it
        // replaces (g + λ·θ on the touched rows, then the step), step after step.
        var rng = SeededGenerator(seed: 63)
        let table0 = Tensor.normal(shape: [6, 3], using: &rng), dense0 = Tensor.normal(shape: [4], using: &rng)
        let fused = [Parameter(name: "t", value: table0, rowSparse: true), Parameter(name: "w", value: dense0)]
        let separate = [Parameter(name: "t", value: table0, rowSparse: true), Parameter(name: "w", value: dense0)]
        let (adamFused, adamSeparate) = (Adam(parameters: fused, learningRate: 0.05), Adam(parameters: separate, learningRate: 0.05))
        let lambda: Float = 0.03
        adamFused.penalties = [lambda, 0]
        for rows in [[1, 4], [4, 0, 5], [], [2]] {
            adamFused.zeroGrad(); adamSeparate.zeroGrad()
            for r in rows {
                for j in 0..<3 {
                    let g = rng.nextNormal()
                    fused[0].grad[r, j] = g; separate[0].grad[r, j] = g
                }
            }
            fused[0].markTouched(rows: rows); separate[0].markTouched(rows: rows)
            for j in 0..<4 {
                let g = rng.nextNormal()
                fused[1].grad[j] = g; separate[1].grad[j] = g
            }
            for r in rows { for j in 0..<3 { separate[0].grad[r, j] += lambda * separate[0].value[r, j] } }
            adamFused.step(); adamSeparate.step()
            for (a, b) in zip(fused, separate) { #expect(a.value.storage == b.value.storage, "\(a.name) after rows \(rows)") }
            #expect(adamFused.state().tensors == adamSeparate.state().tensors)
        }
        #expect(fused[0].value.storage != table0.storage)
    }

    @Test(arguments: ["clipped", "unclipped"])
    func clippingMatchesPyTorch(name: String) throws {
        let g = try Golden.optimizers().clip
        let c = try #require(g.cases[name])
        let params = [Parameter(name: "a", value: Tensor(shape: [2, 3])), Parameter(name: "b", value: Tensor(shape: [4]))]
        params[0].grad = Tensor(shape: [2, 3], storage: g.grads[0])
        params[1].grad = Tensor(shape: [4], storage: g.grads[1])
        let total = clipGradientNorm(params, maxNorm: c.max_norm)
        #expect(abs(total - c.total_norm) <= 1e-6 * c.total_norm)
        for (p, expected) in zip(params, c.grads) {
            let check = closeness(p.grad.storage, expected, absolute: 1e-7, relative: 1e-6)
            #expect(check.ok, "\(p.name): \(check.detail)")
        }
    }

    @Test func clippingCountsOnlyTouchedRowsAndSkipsNonFiniteNorms() {
        let table = Parameter(name: "t", value: Tensor(shape: [3, 2]), rowSparse: true)
        table.grad[1, 0] = 3; table.grad[1, 1] = 4; table.markTouched(1)
        #expect(clipGradientNorm([table], maxNorm: 1) == 5)
        #expect(abs(table.grad[1, 0] - 0.6) < 1e-6 && abs(table.grad[1, 1] - 0.8) < 1e-6)
        let bad = Parameter(name: "bad", value: Tensor(shape: [2]))
        bad.grad = Tensor(shape: [2], storage: [.infinity, 1])
        #expect(clipGradientNorm([bad], maxNorm: 1).isInfinite)
        #expect(bad.grad.storage == [.infinity, 1])
    }
}
