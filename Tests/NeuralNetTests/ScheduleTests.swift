import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct ScheduleTests {
    func expectRates(_ schedule: LearningRateSchedule, base: Float, _ expected: [Double], _ label: String) {
        for (t, rate) in expected.enumerated() {
            let got = schedule.rate(base: base, at: t)
            #expect(abs(Double(got) - rate) <= 1e-7 * max(rate, 1e-3), "\(label) t=\(t): \(got) vs PyTorch \(rate)")
        }
    }

    @Test func closedFormsMatchPyTorchSchedulers() throws {
        let g = try Golden.optimizers().schedules
        expectRates(.stepDecay(every: g.step.every, factor: g.step.factor), base: g.base, g.step.rates, "StepLR")
        expectRates(.exponential(factor: g.exponential.factor), base: g.base, g.exponential.rates, "ExponentialLR")
        expectRates(.cosine(steps: g.cosine.steps, minimum: g.cosine.minimum), base: g.base, g.cosine.rates, "CosineAnnealingLR")
    }

    @Test func constantAndCosineTail() {
        #expect((0..<5).allSatisfy { LearningRateSchedule.constant.rate(base: 0.3, at: $0) == 0.3 })
        let cosine = LearningRateSchedule.cosine(steps: 10, minimum: 0.01)
        #expect(cosine.rate(base: 1, at: 10) == 0.01 && cosine.rate(base: 1, at: 25) == 0.01)
        #expect(abs(cosine.rate(base: 1, at: 5) - 0.505) < 1e-6)
    }

    @Test func plateauReducerMatchesReduceLROnPlateau() throws {
        let g = try Golden.optimizers().schedules.plateau
        var reducer = PlateauReducer(rate: 0.1, factor: g.factor, patience: g.patience, threshold: g.threshold,
                                     cooldown: g.cooldown, minimumRate: g.minimum)
        for (epoch, (metric, rate)) in zip(g.metrics, g.rates).enumerated() {
            let got = reducer.record(metric)
            #expect(abs(Double(got) - rate) <= 1e-7 * rate, "epoch \(epoch): \(got) vs PyTorch \(rate)")
        }
        #expect(Set(g.rates).count >= 3, "the fixture should exercise at least two reductions")
    }

    @Test func plateauReducerMaximisesAndStopsAtTheFloor() {
        var reducer = PlateauReducer(rate: 1, mode: .maximize, factor: 0.5, patience: 0, minimumRate: 0.3)
        #expect(reducer.record(0.5) == 1)     // first value is an improvement on −∞
        #expect(reducer.record(0.6) == 1)     // better
        #expect(reducer.record(0.6) == 0.5)   // no better: patience 0 reduces at once
        #expect(reducer.record(0.4) == 0.3)   // floor
        #expect(reducer.record(0.4) == 0.3)
        #expect(reducer.best == 0.6)
    }
}
