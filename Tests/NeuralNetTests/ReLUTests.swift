import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct ReLUTests {
    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 31)
        // Keep inputs away from the kink, where the function has no derivative.
        let x = normals(20, &rng).map { $0 + ($0 >= 0 ? 0.01 : -0.01) }
        let r = normals(20, &rng)
        let numeric = GradientCheck.numericGradient(of: { GradientCheck.projectedLoss(ReLU.Reference.forward($0), weights: r) }, at: x)
        #expect(GradientCheck.maxRelativeError(ReLU.Reference.backward(x: x, dy: r), numeric) < 1e-8)
    }

    @Test func fastLayerMatchesReference() {
        var rng = SeededGenerator(seed: 32)
        let x = Tensor.normal(shape: [6, 5], using: &rng), dy = Tensor.normal(shape: [6, 5], using: &rng)
        let relu = ReLU()
        #expect(relu.forward(x).storage == floats(ReLU.Reference.forward(doubles(x))))
        #expect(relu.backward(dy).storage == floats(ReLU.Reference.backward(x: doubles(x), dy: doubles(dy))))
        #expect(relu.infer(x) == relu.forward(x))
    }

    @Test func matchesPyTorchIncludingTheKink() throws {
        let g = try Golden.layers().relu
        let relu = ReLU()
        #expect(relu.forward(Tensor(shape: g.shape, storage: g.x)).storage == g.y)
        #expect(relu.backward(Tensor(shape: g.shape, storage: g.dy)).storage == g.dx)
        #expect(g.x[1] == 0 && g.dx[1] == 0)
    }
}

@Suite struct DropoutTests {
    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 33)
        let x = normals(12, &rng), r = normals(12, &rng)
        let mask = (0..<12).map { $0 % 3 == 0 ? 0.0 : 1.5 }
        let numeric = GradientCheck.numericGradient(
            of: { GradientCheck.projectedLoss(Dropout.Reference.forward(x: $0, mask: mask), weights: r) }, at: x)
        #expect(GradientCheck.maxRelativeError(Dropout.Reference.backward(dy: r, mask: mask), numeric) < 1e-8)
    }

    @Test func keepsAboutOneMinusPAndScalesByItsInverse() {
        let dropout = Dropout(p: 0.25, seed: 7)
        let x = Tensor(shape: [100, 100], repeating: 2)
        let y = dropout.forward(x)
        let kept = y.storage.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 2 / 0.75 })
        // 10 000 Bernoulli(0.75) draws: the kept fraction has standard deviation 0.0043.
        #expect(abs(Double(kept.count) / 10_000 - 0.75) < 0.02)
    }

    @Test func backwardReusesTheForwardMask() {
        var rng = SeededGenerator(seed: 34)
        let dropout = Dropout(p: 0.5, seed: 8)
        let x = Tensor.normal(shape: [8, 16], using: &rng), dy = Tensor.normal(shape: [8, 16], using: &rng)
        let y = dropout.forward(x)
        let dx = dropout.backward(dy)
        #expect(dx.storage == floats(Dropout.Reference.backward(dy: doubles(dy), mask: doubles(dropout.lastMask))))
        #expect(y.storage == floats(Dropout.Reference.forward(x: doubles(x), mask: doubles(dropout.lastMask))))
        for i in 0..<x.count { #expect((y.storage[i] == 0) == (dx.storage[i] == 0)) }
    }

    @Test func sameSeedSameMasksAndEachBatchDiffers() {
        let a = Dropout(p: 0.3, seed: 99), b = Dropout(p: 0.3, seed: 99), c = Dropout(p: 0.3, seed: 100)
        let x = Tensor(shape: [4, 64], repeating: 1)
        let first = a.forward(x), second = a.forward(x)
        #expect(first == b.forward(x) && second == b.forward(x))
        #expect(first != second)
        #expect(c.forward(x) != first)
        #expect(a.batchesSeen == 2)
    }

    @Test func resumingFromTheBatchCounterRepeatsTheMasks() {
        let x = Tensor(shape: [3, 50], repeating: 1)
        let original = Dropout(p: 0.4, seed: 5)
        _ = original.forward(x)
        let third = (original.forward(x), original.forward(x)).1
        let resumed = Dropout(p: 0.4, seed: 5)
        resumed.batchesSeen = 2
        #expect(resumed.forward(x) == third)
    }

    /// A member of a training group masks its rows as the whole batch masks them (width 5 puts
    /// some rows' first element in the second half of a 64-bit draw).
    @Test func aPartOfABatchGetsTheWholeBatchMaskOfItsRows() {
        let whole = Dropout(p: 0.5, seed: 11).forward(Tensor(shape: [7, 5], repeating: 1)).storage
        for rows in [0..<3, 3..<4, 4..<7] {
            let part = Dropout(p: 0.5, seed: 11)
            part.firstRow = rows.lowerBound
            let y = part.forward(Tensor(shape: [rows.count, 5], repeating: 1))
            #expect(y.storage == Array(whole[(rows.lowerBound * 5)..<(rows.upperBound * 5)]), "rows \(rows)")
        }
    }

    @Test func inferIsIdentityAndExtremesBehave() {
        var rng = SeededGenerator(seed: 35)
        let x = Tensor.normal(shape: [5, 7], using: &rng)
        #expect(Dropout(p: 0.9, seed: 1).infer(x) == x)
        #expect(Dropout(p: 0, seed: 1).forward(x) == x)
        #expect(Dropout(p: 1, seed: 1).forward(x).storage.allSatisfy { $0 == 0 })
    }
}
