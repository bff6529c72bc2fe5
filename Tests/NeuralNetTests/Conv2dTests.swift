import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct Conv2dTests {
    @Test(arguments: [(1, 1, 0), (2, 3, 1), (2, 2, 2)])
    func referenceGradientMatchesFiniteDifferences(stride: Int, kernel: Int, padding: Int) {
        let s = Conv2d.Reference.Shape(n: 2, h: 5, w: 4, cin: 2, cout: 3, kernel: kernel, stride: stride, padding: padding)
        var rng = SeededGenerator(seed: 1)
        let draw = { (count: Int, rng: inout SeededGenerator) in (0..<count).map { _ in Double(rng.nextNormal()) } }
        let x = draw(s.n * s.h * s.w * s.cin, &rng), w = draw(s.cout * kernel * kernel * s.cin, &rng)
        let b = draw(s.cout, &rng), r = draw(s.n * s.ho * s.wo * s.cout, &rng)
        let (dx, dw, db) = Conv2d.Reference.backward(x: x, w: w, dy: r, shape: s)
        let loss = { (x: [Double], w: [Double], b: [Double]) in
            GradientCheck.projectedLoss(Conv2d.Reference.forward(x: x, w: w, b: b, shape: s), weights: r)
        }
        #expect(GradientCheck.maxRelativeError(dx, GradientCheck.numericGradient(of: { loss($0, w, b) }, at: x)) < 1e-8)
        #expect(GradientCheck.maxRelativeError(dw, GradientCheck.numericGradient(of: { loss(x, $0, b) }, at: w)) < 1e-8)
        #expect(GradientCheck.maxRelativeError(db, GradientCheck.numericGradient(of: { loss(x, w, $0) }, at: b)) < 1e-8)
    }

    /// 100×100 images make one im2col chunk per image, so chunking is exercised too.
    @Test(arguments: [(3, 8, 8, 3, 1, 1), (3, 100, 100, 3, 1, 1), (2, 9, 7, 5, 2, 2)])
    func fastLayerMatchesReference(n: Int, h: Int, w: Int, kernel: Int, stride: Int, padding: Int) {
        var rng = SeededGenerator(seed: 2)
        let layer = Conv2d(inputChannels: 3, outputChannels: 4, kernelSize: kernel, stride: stride, padding: padding, rng: &rng)
        let s = Conv2d.Reference.Shape(n: n, h: h, w: w, cin: 3, cout: 4, kernel: kernel, stride: stride, padding: padding)
        let x = Tensor.normal(shape: [n, h, w, 3], using: &rng)
        let dy = Tensor.normal(shape: [n, s.ho, s.wo, 4], using: &rng)
        let y = layer.forward(x)
        let dx = layer.backward(dy)
        let ref = Conv2d.Reference.backward(x: doubles(x.storage), w: doubles(layer.weight.value.storage), dy: doubles(dy.storage), shape: s)
        let refY = Conv2d.Reference.forward(x: doubles(x.storage), w: doubles(layer.weight.value.storage),
                                            b: doubles(layer.bias!.value.storage), shape: s)
        #expect(y.shape == [n, s.ho, s.wo, 4])
        let checks = [("y", y.storage, refY), ("dx", dx.storage, ref.dx), ("dw", layer.weight.grad.storage, ref.dw),
                      ("db", layer.bias!.grad.storage, ref.db)]
        for (name, fast, reference) in checks {
            let c = closeness(fast, floats(reference), absolute: 1e-4, relative: 1e-4)
            #expect(c.ok, "\(name): \(c.detail)")
        }
        #expect(layer.infer(x) == y)
    }

    /// The direct (im2col-free) kernel of small layers against the definition and against im2col + sgemm:
    /// widths that leave pixel tails, channel counts that leave 8-wide tails, stride 2, a 5×5 gray layer,
    /// a 1×1 kernel, and outputs narrower than the kernel's four-pixel blocks.
    @Test(.enabled(if: Conv2d.hasDirectKernel, "the direct kernel needs AVX2 + FMA"),
          arguments: [(3, 16, 13, 3, 1, 1), (3, 8, 7, 3, 2, 1), (3, 24, 9, 3, 1, 0), (1, 32, 11, 5, 1, 2), (2, 40, 6, 3, 1, 1),
                      (5, 16, 4, 1, 1, 0), (3, 16, 3, 3, 3, 0)])
    func directKernelMatchesReferenceAndSgemm(cin: Int, cout: Int, size: Int, kernel: Int, stride: Int, padding: Int) {
        var rng = SeededGenerator(seed: 4)
        let layer = Conv2d(inputChannels: cin, outputChannels: cout, kernelSize: kernel, stride: stride, padding: padding, rng: &rng)
        let frozen = layer.frozen()
        #expect(frozen.suitsDirectKernel)
        let s = Conv2d.Reference.Shape(n: 3, h: size, w: size + 2, cin: cin, cout: cout, kernel: kernel, stride: stride, padding: padding)
        let x = Tensor.normal(shape: [s.n, s.h, s.w, cin], using: &rng)
        func run(direct: Bool) -> [Float] {
            let scratch = Conv2dScratch(frozen, height: s.h, width: s.w, images: s.n, directKernel: direct)
            return [Float](unsafeUninitializedCapacity: s.n * s.ho * s.wo * cout) { y, count in
                x.withUnsafeBufferPointer { frozen.convolve($0.baseAddress!, images: s.n, height: s.h, width: s.w, into: y.baseAddress!,
                                                           scratch: scratch) }
                count = s.n * s.ho * s.wo * cout
            }
        }
        let direct = run(direct: true), sgemm = run(direct: false)
        let reference = Conv2d.Reference.forward(x: doubles(x.storage), w: doubles(layer.weight.value.storage), b: nil, shape: s)
        let c = closeness(direct, floats(reference), absolute: 1e-5, relative: 1e-5)
        #expect(c.ok, "direct vs reference: \(c.detail)")
        #expect(closeness(direct, sgemm, absolute: 1e-5, relative: 1e-5).ok)
    }

    @Test(arguments: ConvGolden.shared.conv.indices)
    func matchesPyTorch(index: Int) {
        let g = ConvGolden.shared.conv[index]
        var rng = SeededGenerator(seed: 0)
        let layer = Conv2d(inputChannels: g.cin, outputChannels: g.cout, kernelSize: g.kernel, stride: g.stride,
                           padding: g.padding, rng: &rng)
        layer.weight.value = Tensor(shape: [g.cout, g.kernel, g.kernel, g.cin], storage: g.weight)
        layer.bias!.value = Tensor(shape: [g.cout], storage: g.bias)
        let y = layer.forward(Tensor(shape: [g.n, g.h, g.w, g.cin], storage: g.x))
        #expect(y.shape == g.y_shape)
        let dx = layer.backward(Tensor(shape: g.y_shape, storage: g.dy))
        for (name, ours, torch) in [("y", y.storage, g.y), ("dx", dx.storage, g.dx), ("dw", layer.weight.grad.storage, g.dweight),
                                    ("db", layer.bias!.grad.storage, g.dbias)] {
            let c = closeness(ours, torch, absolute: 1e-4, relative: 1e-4)
            #expect(c.ok, "\(name): \(c.detail)")
        }
    }

    @Test func backwardAccumulatesAndInitialisationIsSeeded() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let l1 = Conv2d(inputChannels: 3, outputChannels: 2, kernelSize: 3, padding: 1, rng: &a)
        let l2 = Conv2d(inputChannels: 3, outputChannels: 2, kernelSize: 3, padding: 1, rng: &b)
        #expect(l1.weight.value == l2.weight.value && l1.bias!.value == l2.bias!.value)
        #expect(l1.weight.value.storage.allSatisfy { abs($0) <= 1 / Float(27).squareRoot() })
        let x = Tensor.normal(shape: [2, 4, 4, 3], using: &a), dy = Tensor.normal(shape: [2, 4, 4, 2], using: &a)
        _ = l1.forward(x); _ = l1.backward(dy)
        let once = l1.weight.grad
        _ = l1.forward(x); _ = l1.backward(dy)
        #expect(l1.weight.grad.maxAbsDifference(once * 2) < 1e-5)
    }
}
