import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct LinearTests {
    let n = 5, inF = 7, outF = 3

    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 1)
        let x = (0..<(n * inF)).map { _ in Double(rng.nextNormal()) }
        let w = (0..<(outF * inF)).map { _ in Double(rng.nextNormal()) }
        let b = (0..<outF).map { _ in Double(rng.nextNormal()) }
        let r = (0..<(n * outF)).map { _ in Double(rng.nextNormal()) }
        let (dx, dw, db) = Linear.Reference.backward(x: x, w: w, dy: r, n: n, inF: inF, outF: outF)
        let loss = { (x: [Double], w: [Double], b: [Double]) in
            GradientCheck.projectedLoss(Linear.Reference.forward(x: x, w: w, b: b, n: self.n, inF: self.inF, outF: self.outF), weights: r)
        }
        #expect(GradientCheck.maxRelativeError(dx, GradientCheck.numericGradient(of: { loss($0, w, b) }, at: x)) < 1e-8)
        #expect(GradientCheck.maxRelativeError(dw, GradientCheck.numericGradient(of: { loss(x, $0, b) }, at: w)) < 1e-8)
        #expect(GradientCheck.maxRelativeError(db, GradientCheck.numericGradient(of: { loss(x, w, $0) }, at: b)) < 1e-8)
    }

    @Test func fastLayerMatchesReference() {
        var rng = SeededGenerator(seed: 2)
        let layer = Linear(inFeatures: inF, outFeatures: outF, rng: &rng)
        let x = Tensor.normal(shape: [n, inF], using: &rng)
        let dy = Tensor.normal(shape: [n, outF], using: &rng)
        let y = layer.forward(x)
        let dx = layer.backward(dy)
        let d = { (t: Tensor) in t.storage.map(Double.init) }
        let refY = Linear.Reference.forward(x: d(x), w: d(layer.weight.value), b: d(layer.bias!.value), n: n, inF: inF, outF: outF)
        let ref = Linear.Reference.backward(x: d(x), w: d(layer.weight.value), dy: d(dy), n: n, inF: inF, outF: outF)
        let f = { (v: [Double]) in v.map(Float.init) }
        #expect(closeness(y.storage, f(refY)).ok)
        #expect(closeness(dx.storage, f(ref.dx)).ok)
        #expect(closeness(layer.weight.grad.storage, f(ref.dw)).ok)
        #expect(closeness(layer.bias!.grad.storage, f(ref.db)).ok)
    }

    @Test func matchesPyTorch() throws {
        let g = try Golden.layers().linear
        var rng = SeededGenerator(seed: 0)
        let layer = Linear(inFeatures: g.in, outFeatures: g.out, rng: &rng)
        layer.weight.value = Tensor(shape: [g.out, g.in], storage: g.w)
        layer.bias!.value = Tensor(shape: [g.out], storage: g.b)
        let y = layer.forward(Tensor(shape: [g.n, g.in], storage: g.x))
        let dx = layer.backward(Tensor(shape: [g.n, g.out], storage: g.dy))
        for (actual, expected) in [(y.storage, g.y), (dx.storage, g.dx), (layer.weight.grad.storage, g.dw),
                                   (layer.bias!.grad.storage, g.db)] {
            let check = closeness(actual, expected, absolute: 1e-6, relative: 1e-6)
            #expect(check.ok, "\(check.detail)")
        }
    }

    @Test func backwardAccumulatesAcrossCalls() {
        var rng = SeededGenerator(seed: 3)
        let layer = Linear(inFeatures: 2, outFeatures: 2, rng: &rng)
        let x = Tensor.normal(shape: [4, 2], using: &rng), dy = Tensor.normal(shape: [4, 2], using: &rng)
        _ = layer.forward(x); _ = layer.backward(dy)
        let once = layer.weight.grad
        _ = layer.forward(x); _ = layer.backward(dy)
        #expect(layer.weight.grad.maxAbsDifference(once * 2) < 1e-6)
        layer.weight.zeroGrad()
        #expect(layer.weight.grad.storage.allSatisfy { $0 == 0 })
    }

    @Test func initialisationIsSeededAndBoundedLikePyTorch() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let l1 = Linear(inFeatures: 16, outFeatures: 4, rng: &a), l2 = Linear(inFeatures: 16, outFeatures: 4, rng: &b)
        #expect(l1.weight.value == l2.weight.value)
        #expect(l1.weight.value.storage.allSatisfy { abs($0) <= 0.25 })
    }

    @Test func rowSparseParameterZeroesOnlyTouchedRows() {
        let p = Parameter(name: "table", value: Tensor(shape: [4, 2]), rowSparse: true)
        p.grad[1, 0] = 3; p.markTouched(1)
        p.grad[3, 1] = 2; p.markTouched(3); p.markTouched(1)
        #expect(p.touchedRows == [1, 3])
        p.zeroGrad()
        #expect(p.touchedRows.isEmpty && p.grad.storage.allSatisfy { $0 == 0 })
    }
}
