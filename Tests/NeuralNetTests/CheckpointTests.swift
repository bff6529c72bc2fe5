import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct CheckpointTests {
    let fusion: Golden.Fusion

    init() throws { fusion = try Golden.fusion() }

    func model(seed: UInt64 = 3) -> TinyFusionModel { TinyFusionModel(fusion, sparse: true, dropout: Dropout(p: 0.3, seed: seed)) }

    @Test(arguments: ["adam", "sgd"])
    func resumingContinuesBitExactly(optimizerName: String) throws {
        let make = { (m: TinyFusionModel) -> any Optimizer in
            optimizerName == "adam"
                ? Adam(parameters: m.parameters, learningRate: 0.01, weightDecay: 0.01, decoupledWeightDecay: true)
                : SGD(parameters: m.parameters, learningRate: 0.02, momentum: 0.9, nesterov: true)
        }
        let straight = model()
        let straightOptimizer = make(straight)
        let straightLosses = fusion.batches.map { straight.trainStep($0, straightOptimizer) }

        let dir = Repository.temporaryDirectory("checkpoint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("train.safetensors")
        let first = model()
        let firstOptimizer = make(first)
        for b in fusion.batches.prefix(4) { _ = first.trainStep(b, firstOptimizer) }
        try Checkpoint.save(to: file, parameters: first.parameters, optimizer: firstOptimizer,
                            extras: .init(counters: ["dropout.batches": first.dropout!.batchesSeen, "step": 4]))

        // A fresh process would rebuild the model from scratch (other initial values) and load.
        let resumed = model()
        for p in resumed.parameters { p.value = p.value * 0.5 }
        let resumedOptimizer = make(resumed)
        let extras = try Checkpoint.load(from: file, parameters: resumed.parameters, optimizer: resumedOptimizer)
        resumed.dropout!.batchesSeen = try #require(extras.counters["dropout.batches"])
        let step = try #require(extras.counters["step"])
        let resumedLosses = fusion.batches[step...].map { resumed.trainStep($0, resumedOptimizer) }

        #expect(resumedLosses == Array(straightLosses[step...]))
        for (a, b) in zip(straight.parameters, resumed.parameters) { #expect(a.value == b.value, "\(a.name) differs") }
        #expect(straightOptimizer.state() == resumedOptimizer.state())
    }

    @Test func fileIsAPlainSafetensorsStateDict() throws {
        let m = model()
        let adam = Adam(parameters: m.parameters)
        _ = m.trainStep(fusion.batches[0], adam)
        let file = Repository.temporaryDirectory("checkpoint").appendingPathComponent("c.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Checkpoint.save(to: file, parameters: m.parameters, optimizer: adam, extras: .init(values: ["best": 0.25]))
        let stored = try Safetensors.read(file)
        #expect(stored.metadata == ["format": Checkpoint.format])
        #expect(stored["user.weight"]?.tensor() == m.user.table.value)
        #expect(stored["optimizer.hidden.weight.exp_avg_sq"]?.shape == [fusion.config.hidden, 3 * fusion.config.dim + fusion.config.dense])
        #expect(stored["optimizer.output.bias.step"]?.dtype == .int64)
        #expect(try Checkpoint.load(from: file, parameters: m.parameters, optimizer: adam).values == ["best": 0.25])
        // Same state, same bytes (entries and keys are written in a fixed order).
        let again = file.deletingLastPathComponent().appendingPathComponent("again.safetensors")
        try Checkpoint.save(to: again, parameters: m.parameters, optimizer: adam, extras: .init(values: ["best": 0.25]))
        #expect(try Data(contentsOf: again) == Data(contentsOf: file))
    }

    @Test func mismatchedModelIsRejectedAndLeftUntouched() throws {
        let m = model()
        let file = Repository.temporaryDirectory("checkpoint").appendingPathComponent("c.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Checkpoint.save(to: file, parameters: m.parameters)

        var rng = SeededGenerator(seed: 1)
        let wider = Linear(inFeatures: 3 * fusion.config.dim + fusion.config.dense, outFeatures: 9, name: "hidden", rng: &rng)
        let before = wider.weight.value
        let error = try #require(throws: CheckpointError.self) { try Checkpoint.load(from: file, parameters: wider.parameters) }
        #expect(error.description.contains(file.path) && error.description.contains("'hidden.weight'"))
        #expect(error.description.contains("hint:"))
        #expect(wider.weight.value == before)

        let extra = Parameter(name: "genre.weight", value: Tensor(shape: [2, 2]))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(from: file, parameters: m.parameters + [extra]) }
        // Parameters alone do not carry optimizer state: asking for it is an error, not zeros.
        #expect(throws: CheckpointError.self) {
            try Checkpoint.load(from: file, parameters: m.parameters, optimizer: Adam(parameters: m.parameters))
        }
    }

    @Test func foreignOrDamagedFilesAreRejected() throws {
        let dir = Repository.temporaryDirectory("checkpoint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = model()
        let foreign = dir.appendingPathComponent("foreign.safetensors")
        try Safetensors.write(m.parameters.map { Safetensors.Entry(name: $0.name, tensor: $0.value) }, to: foreign)
        let noFormat = try #require(throws: CheckpointError.self) { try Checkpoint.load(from: foreign, parameters: m.parameters) }
        #expect(noFormat.problem.contains("format"))
        let damaged = dir.appendingPathComponent("damaged.safetensors")
        try Data("not a checkpoint".utf8).write(to: damaged)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(from: damaged, parameters: m.parameters) }
    }
}
