import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct ConcatTests {
    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 41)
        let widths = [2, 3, 1], n = 4
        let parts = widths.map { normals(n * $0, &rng) }
        let r = normals(n * 6, &rng)
        let grads = Concat.Reference.backward(dy: r, widths: widths, n: n)
        for k in widths.indices {
            let numeric = GradientCheck.numericGradient(of: { part in
                var all = parts
                all[k] = part
                return GradientCheck.projectedLoss(Concat.Reference.forward(all, widths: widths, n: n), weights: r)
            }, at: parts[k])
            #expect(GradientCheck.maxRelativeError(grads[k], numeric) < 1e-8)
        }
    }

    @Test func matchesPyTorch() throws {
        let g = try Golden.layers().concat
        let concat = Concat()
        let y = concat.forward(zip(g.parts, g.widths).map { Tensor(shape: [g.n, $1], storage: $0) })
        #expect(y.storage == g.y)
        let parts = concat.backward(Tensor(shape: [g.n, g.widths.reduce(0, +)], storage: g.dy))
        #expect(parts.map(\.storage) == g.dparts)
        #expect(parts.map(\.shape) == g.widths.map { [g.n, $0] })
    }

    @Test func fastLayerMatchesReference() {
        var rng = SeededGenerator(seed: 42)
        let widths = [32, 32, 5, 1], n = 9
        let parts = widths.map { Tensor.normal(shape: [n, $0], using: &rng) }
        let y = Concat().forward(parts)
        #expect(y.storage == floats(Concat.Reference.forward(parts.map(doubles), widths: widths, n: n)))
    }
}

@Suite struct SequentialTests {
    func model(_ g: Golden.SequentialCase) -> (Sequential, Linear, Linear) {
        var rng = SeededGenerator(seed: 0)
        let first = Linear(inFeatures: g.in, outFeatures: g.hidden, name: "first", rng: &rng)
        let second = Linear(inFeatures: g.hidden, outFeatures: g.out, name: "second", rng: &rng)
        first.weight.value = Tensor(shape: [g.hidden, g.in], storage: g.w1)
        first.bias!.value = Tensor(shape: [g.hidden], storage: g.b1)
        second.weight.value = Tensor(shape: [g.out, g.hidden], storage: g.w2)
        second.bias!.value = Tensor(shape: [g.out], storage: g.b2)
        return (Sequential(first, ReLU(), second), first, second)
    }

    @Test func linearReLULinearMatchesPyTorch() throws {
        let g = try Golden.layers().sequential
        let (net, first, second) = model(g)
        #expect(net.parameters.map(\.name) == ["first.weight", "first.bias", "second.weight", "second.bias"])
        let y = net.forward(Tensor(shape: [g.n, g.in], storage: g.x))
        let dx = net.backward(Tensor(shape: [g.n, g.out], storage: g.dy))
        for (actual, expected, what) in [
            (y.storage, g.y, "y"), (dx.storage, g.dx, "dx"), (first.weight.grad.storage, g.dw1, "dw1"),
            (first.bias!.grad.storage, g.db1, "db1"), (second.weight.grad.storage, g.dw2, "dw2"),
            (second.bias!.grad.storage, g.db2, "db2"),
        ] {
            let check = closeness(actual, expected, absolute: 1e-5, relative: 1e-5)
            #expect(check.ok, "\(what): \(check.detail)")
        }
    }

    @Test func inferEqualsForwardWithoutDropout() throws {
        let g = try Golden.layers().sequential
        let (net, _, _) = model(g)
        let x = Tensor(shape: [g.n, g.in], storage: g.x)
        #expect(net.infer(x) == net.forward(x))
    }

    /// `frozen()` is a snapshot: an optimizer step after it leaves its output as it was, and a
    /// new snapshot computes with the stepped weights (so threads sharing one never see a step).
    @Test func frozenSnapshotKeepsItsWeightsThroughATrainingStep() throws {
        let g = try Golden.layers().sequential
        let (net, _, _) = model(g)
        let x = Tensor(shape: [g.n, g.in], storage: g.x)
        let snapshot = net.frozen()
        let before = snapshot.infer(x)
        _ = net.forward(x)
        _ = net.backward(Tensor(shape: [g.n, g.out], storage: g.dy))
        SGD(parameters: net.parameters, learningRate: 0.1).step()
        #expect(snapshot.infer(x) == before)
        #expect(net.frozen().infer(x) != before)
        #expect(net.frozen().infer(x) == net.forward(x))
    }
}
