import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct MaxPool2dTests {
    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 3)
        let (n, h, w, c) = (2, 5, 4, 3)
        let x = (0..<(n * h * w * c)).map { _ in Double(rng.nextNormal()) }
        let forward = { (x: [Double]) in MaxPool2d.Reference.forward(x: x, n: n, h: h, w: w, c: c, kernel: 2, stride: 2) }
        let r = (0..<forward(x).y.count).map { _ in Double(rng.nextNormal()) }
        let dx = MaxPool2d.Reference.backward(dy: r, argmax: forward(x).argmax, inputCount: x.count)
        let numeric = GradientCheck.numericGradient(of: { GradientCheck.projectedLoss(forward($0).y, weights: r) }, at: x)
        #expect(GradientCheck.maxRelativeError(dx, numeric) < 1e-8)
    }

    @Test(arguments: ConvGolden.shared.maxpool.indices)
    func matchesPyTorchAndReference(index: Int) {
        let g = ConvGolden.shared.maxpool[index]
        let layer = MaxPool2d(kernelSize: g.kernel, stride: g.stride)
        let x = Tensor(shape: [g.n, g.h, g.w, g.c], storage: g.x)
        let y = layer.forward(x)
        let dx = layer.backward(Tensor(shape: g.y_shape, storage: g.dy))
        #expect(y.shape == g.y_shape && y.storage == g.y)
        #expect(closeness(dx.storage, g.dx).ok)
        let ref = MaxPool2d.Reference.forward(x: doubles(g.x), n: g.n, h: g.h, w: g.w, c: g.c, kernel: g.kernel, stride: g.stride)
        #expect(floats(ref.y) == y.storage)
        #expect(layer.infer(x) == y)
    }

    @Test func tiesGoToTheFirstMaximum() {
        let layer = MaxPool2d(kernelSize: 2)
        _ = layer.forward(Tensor(shape: [1, 2, 2, 1], storage: [1, 1, 1, 1]))
        #expect(layer.backward(Tensor(shape: [1, 1, 1, 1], storage: [5])).storage == [5, 0, 0, 0])
    }
}

@Suite struct GlobalAvgPool2dTests {
    @Test func referenceGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 4)
        let (n, hw, c) = (2, 6, 3)
        let x = (0..<(n * hw * c)).map { _ in Double(rng.nextNormal()) }
        let r = (0..<(n * c)).map { _ in Double(rng.nextNormal()) }
        let dx = GlobalAvgPool2d.Reference.backward(dy: r, n: n, hw: hw, c: c)
        let numeric = GradientCheck.numericGradient(of: {
            GradientCheck.projectedLoss(GlobalAvgPool2d.Reference.forward(x: $0, n: n, hw: hw, c: c), weights: r)
        }, at: x)
        #expect(GradientCheck.maxRelativeError(dx, numeric) < 1e-8)
    }

    @Test(arguments: ConvGolden.shared.gap.indices)
    func matchesPyTorch(index: Int) {
        let g = ConvGolden.shared.gap[index]
        let layer = GlobalAvgPool2d()
        let y = layer.forward(Tensor(shape: [g.n, g.h, g.w, g.c], storage: g.x))
        let dx = layer.backward(Tensor(shape: [g.n, g.c], storage: g.dy))
        #expect(closeness(y.storage, g.y).ok && closeness(dx.storage, g.dx).ok)
        #expect(closeness(y.storage, floats(GlobalAvgPool2d.Reference.forward(x: doubles(g.x), n: g.n, hw: g.h * g.w, c: g.c))).ok)
    }
}

extension MaxPool2dTests {
    /// The 2×2 inference fast path agrees with the general training path, odd sizes included.
    @Test func inferenceFastPathMatchesForward() {
        var rng = SeededGenerator(seed: 6)
        let layer = MaxPool2d(kernelSize: 2)
        let x = Tensor.normal(shape: [2, 7, 5, 3], using: &rng)
        let y = layer.forward(x)
        #expect(y.shape == [2, 3, 2, 3])
        #expect(layer.infer(x) == y)
        // NaN wins in both paths, in the vector lanes (16 channels) and the scalar tail (3).
        for c in [16, 3] {
            var z = Tensor.normal(shape: [1, 4, 4, c], using: &rng)
            z[0, 1, 0, 1] = .nan
            z[0, 2, 3, c - 1] = .nan
            let trained = layer.forward(z), inferred = layer.infer(z)
            #expect(trained.storage.map(\.isNaN) == inferred.storage.map(\.isNaN))
            #expect(inferred[0, 0, 0, 1].isNaN && inferred[0, 1, 1, c - 1].isNaN && inferred.storage.filter(\.isNaN).count == 2)
            #expect(zip(trained.storage, inferred.storage).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        }
    }
}

extension MaxPool2dTests {
    /// The raw inference kernel with a conv layer's epilogue folded in: ReLU(max + bias) against
    /// the reference max followed by the bias and ReLU, for 2×2, 3×3 with stride 2 and a window
    /// that covers the whole map; a NaN input gives 0 after the ReLU, as the training path does.
    @Test(arguments: [(2, 2, 16), (3, 2, 5), (3, 3, 8), (5, 1, 4)])
    func fusedBiasAndReLUMatchReference(kernel: Int, stride: Int, channels c: Int) {
        var rng = SeededGenerator(seed: 12)
        let layer = MaxPool2d(kernelSize: kernel, stride: stride)
        let (n, h, w) = (2, 7, 5)
        var x = Tensor.normal(shape: [n, h, w, c], using: &rng)
        x[1, 0, 0, 0] = .nan
        let bias = Tensor.normal(shape: [c], using: &rng)
        let (ho, wo) = layer.outputSize(height: h, width: w)
        let reference = MaxPool2d.Reference.forward(x: x.storage.map(Double.init), n: n, h: h, w: w, c: c, kernel: kernel, stride: stride).y
        let fused = [Float](unsafeUninitializedCapacity: n * ho * wo * c) { y, count in
            x.withUnsafeBufferPointer { xp in
                bias.withUnsafeBufferPointer { b in
                    layer.frozen().infer(xp.baseAddress!, images: n, height: h, width: w, channels: c, addingBias: b.baseAddress!, relu: true,
                                into: y.baseAddress!)
                }
            }
            count = n * ho * wo * c
        }
        let nanWindow = layer.infer(x).storage.map(\.isNaN)
        for (o, value) in fused.enumerated() {
            let expected = nanWindow[o] ? 0 : max(Float(reference[o]) + bias[o % c], 0)
            #expect(value == expected, "output \(o): \(value) vs \(expected)")
        }
        #expect(nanWindow.contains(true), "the NaN input should reach some window")
    }

    /// A window larger than the map leaves it empty (Swift's division would have said 1).
    @Test func windowLargerThanTheMapGivesNoOutput() {
        let layer = MaxPool2d(kernelSize: 2)
        #expect(layer.outputSize(height: 1, width: 5) == (0, 2))
        #expect(MaxPool2d(kernelSize: 3, stride: 2).outputSize(height: 3, width: 2) == (1, 0))
    }
}
