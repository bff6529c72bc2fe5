import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct LossTests {
    typealias Reference = (_ p: [Double], _ t: [Double], _ w: [Double]?) -> (loss: Double, gradient: [Double])
    typealias Fast = (_ p: Tensor, _ t: Tensor, _ w: Tensor?) -> (loss: Float, gradient: Tensor)

    /// The Double reference and the fast Float version of the loss named "mse…" or "bce…".
    func losses(_ name: String) -> (Reference, Fast) {
        name.hasPrefix("mse")
            ? ({ LossReference.mse(predictions: $0, targets: $1, weights: $2) },
               { mseLoss(predictions: $0, targets: $1, weights: $2) })
            : ({ LossReference.binaryCrossEntropyWithLogits(logits: $0, targets: $1, weights: $2) },
               { binaryCrossEntropyWithLogits(logits: $0, targets: $1, weights: $2) })
    }

    /// Targets for each loss: any real for MSE, probabilities for cross-entropy.
    func targets(_ n: Int, probabilities: Bool, _ rng: inout SeededGenerator) -> [Double] {
        probabilities ? (0..<n).map { _ in rng.nextUnitDouble() } : normals(n, &rng)
    }

    @Test(arguments: [("mse", false), ("bce", true)])
    func referenceGradientMatchesFiniteDifferences(name: String, probabilities: Bool) {
        let (reference, _) = losses(name)
        var rng = SeededGenerator(seed: 51)
        let p = normals(9, &rng), t = targets(9, probabilities: probabilities, &rng)
        for w in [nil, (0..<9).map { _ in 2 * rng.nextUnitDouble() }] {
            let numeric = GradientCheck.numericGradient(of: { reference($0, t, w).loss }, at: p)
            #expect(GradientCheck.maxRelativeError(reference(p, t, w).gradient, numeric) < 1e-8)
        }
    }

    @Test(arguments: [("mse", false), ("bce", true)])
    func fastLossMatchesReference(name: String, probabilities: Bool) {
        let (reference, fast) = losses(name)
        var rng = SeededGenerator(seed: 52)
        // (N, 2) predictions with per-sample weights (N): each weight covers both columns.
        let p = Tensor.normal(shape: [6, 2], std: 3, using: &rng)
        let t = Tensor(shape: [6, 2], storage: floats(targets(12, probabilities: probabilities, &rng)))
        let w = Tensor(shape: [6], storage: (0..<6).map { _ in 2 * rng.nextUnitFloat() })
        let got = fast(p, t, w)
        let expected = reference(doubles(p), doubles(t), doubles(w).flatMap { [$0, $0] })
        #expect(abs(Double(got.loss) - expected.loss) <= 1e-6 * max(1, abs(expected.loss)))
        let check = closeness(got.gradient.storage, floats(expected.gradient))
        #expect(check.ok, "\(check.detail)")
    }

    @Test(arguments: ["mse", "mse_weighted", "bce", "bce_weighted"])
    func matchesPyTorch(name: String) throws {
        let g = try #require(try Golden.layers().losses[name])
        let (_, fast) = losses(name)
        let n = g.predictions.count
        let got = fast(Tensor(shape: [n], storage: g.predictions), Tensor(shape: [n], storage: g.targets),
                       g.weights.map { Tensor(shape: [n], storage: $0) })
        #expect(abs(got.loss - g.loss) <= 1e-6 * max(1, abs(g.loss)), "loss \(got.loss) vs PyTorch \(g.loss)")
        let check = closeness(got.gradient.storage, g.gradient, absolute: 1e-7, relative: 1e-6)
        #expect(check.ok, "\(check.detail)")
    }

    @Test func crossEntropyStaysFiniteForSaturatedLogits() {
        let got = binaryCrossEntropyWithLogits(logits: Tensor(shape: [4], storage: [100, -100, 100, -100]),
                                               targets: Tensor(shape: [4], storage: [1, 0, 0, 1]))
        // Two right answers cost ~0, two confidently wrong ones cost 100 each: mean 50.
        #expect(abs(got.loss - 50) < 1e-4)
        #expect(closeness(got.gradient.storage, [0, 0, 0.25, -0.25], absolute: 1e-30, relative: 0).ok)
    }

    @Test func unitWeightsGiveTheUnweightedLoss() {
        var rng = SeededGenerator(seed: 53)
        let p = Tensor.normal(shape: [5], using: &rng), t = Tensor.normal(shape: [5], using: &rng)
        let ones = Tensor(shape: [5], repeating: 1)
        #expect(mseLoss(predictions: p, targets: t, weights: ones) == mseLoss(predictions: p, targets: t))
    }
}
