import NeuralNet
import TensorCore
import TestSupport
import Testing

/// Ten training steps of the fusion-like model against PyTorch, step by step.
@Suite struct FusionModelTests {
    let fusion: Golden.Fusion

    init() throws { fusion = try Golden.fusion() }

    func compare(_ model: TinyFusionModel, _ optimizer: any Optimizer, _ run: Golden.FusionRun, _ label: String) {
        for (step, batch) in fusion.batches.enumerated() {
            let loss = model.trainStep(batch, optimizer)
            #expect(abs(loss - run.losses[step]) <= 2e-6 * run.losses[step], "\(label) step \(step + 1): loss \(loss) vs PyTorch \(run.losses[step])")
            for p in model.parameters {
                let check = closeness(p.value.storage, run.parameters[step][p.name]!, absolute: 2e-6, relative: 2e-6)
                #expect(check.ok, "\(label) step \(step + 1) \(p.name): \(check.detail)")
            }
        }
    }

    @Test func adamWithLazyTablesMatchesSparseAdamPlusAdam() {
        let model = TinyFusionModel(fusion, sparse: true)
        compare(model, Adam(parameters: model.parameters, learningRate: fusion.adam.lr), fusion.adam, "Adam")
    }

    @Test func sgdWithMomentumMatchesPyTorch() {
        let model = TinyFusionModel(fusion, sparse: false)
        let sgd = SGD(parameters: model.parameters, learningRate: fusion.sgd.lr, momentum: 0.9, weightDecay: 1e-3)
        compare(model, sgd, fusion.sgd, "SGD")
    }

    @Test func everyParameterChangesAfterOneStep() {
        let model = TinyFusionModel(fusion, sparse: true)
        let before = model.parameters.map(\.value)
        _ = model.trainStep(fusion.batches[0], Adam(parameters: model.parameters, learningRate: 0.01))
        for (p, old) in zip(model.parameters, before) {
            #expect(p.value != old, "\(p.name) did not change")
        }
        // ... but only the looked-up rows of the tables: the last user never appears in the batches.
        let lastUser = fusion.config.users - 1
        #expect(model.user.table.value.row(lastUser) == before[0].row(lastUser))
    }

    @Test func lossFallsOverRepeatedSteps() {
        let model = TinyFusionModel(fusion, sparse: true)
        let adam = Adam(parameters: model.parameters, learningRate: 0.02)
        let batch = fusion.batches[0]
        let first = model.trainStep(batch, adam)
        var last = first
        for _ in 0..<60 { last = model.trainStep(batch, adam) }
        #expect(last < first / 10, "loss went from \(first) to \(last)")
    }
}
