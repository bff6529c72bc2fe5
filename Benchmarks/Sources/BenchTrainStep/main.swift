// Training-step throughput of a fused rating model built from NeuralNet layers (release build, one
// thread). Peer: scripts/bench/train_step.py (PyTorch, same model, same batches). See
// docs/benchmarks.md, section "Training step".
//
// Usage: swift run -c release BenchTrainStep [--steps N] [--warmup N] [--phases]
// --phases adds thread-CPU time per phase of the step (a few clock reads per step).
import BenchSupport
import Foundation
import NeuralNet
import TensorCore

/// user (32) ⊕ item (32) ⊕ text bag (32, weighted sum) ⊕ genre bag (32, mean) → 128-64 MLP → rating.
final class FusedRatingModel {
    let user, item: Embedding
    let text, genres: EmbeddingBag
    let concat = Concat()
    let mlp: Sequential

    init(dimension d: Int = 32, rng: inout SeededGenerator) {
        user = Embedding(count: SyntheticRatings.users, dimension: d, std: 0.1, name: "user", rng: &rng)
        item = Embedding(count: SyntheticRatings.items, dimension: d, std: 0.1, name: "item", rng: &rng)
        text = EmbeddingBag(count: SyntheticRatings.vocabulary, dimension: d, mode: .weightedSum, std: 0.1, name: "text", rng: &rng)
        genres = EmbeddingBag(count: SyntheticRatings.genres, dimension: d, mode: .mean, std: 0.1, name: "genres", rng: &rng)
        mlp = Sequential(
            Linear(inFeatures: 4 * d, outFeatures: 128, name: "fc1", rng: &rng), ReLU(),
            Linear(inFeatures: 128, outFeatures: 64, name: "fc2", rng: &rng), ReLU(),
            Linear(inFeatures: 64, outFeatures: 1, name: "out", rng: &rng))
    }

    var parameters: [Parameter] {
        user.parameters + item.parameters + text.parameters + genres.parameters + mlp.parameters
    }

    func trainStep(_ b: SyntheticRatings.Batch, _ optimizer: any Optimizer, _ phases: inout Phases) -> Float {
        phases.start()
        optimizer.zeroGrad()
        phases.end("zeroGrad")
        let n = b.users.count
        let x = concat.forward([user.forward(b.users), item.forward(b.items), text.forward(b.text), genres.forward(b.genres)])
        phases.end("embeddings + concat forward")
        let (loss, gradient) = mseLoss(predictions: mlp.forward(x).reshaped([n]), targets: b.ratings)
        phases.end("MLP forward + loss")
        let parts = concat.backward(mlp.backward(gradient.reshaped([n, 1])))
        phases.end("MLP backward + split")
        user.backward(parts[0])
        item.backward(parts[1])
        text.backward(parts[2])
        genres.backward(parts[3])
        phases.end("embeddings backward")
        optimizer.step()
        phases.end("Adam step")
        return loss
    }
}

/// Thread CPU time per phase of the step, when enabled (`--phases`); otherwise free.
struct Phases {
    let enabled: Bool
    var totals: [(String, Double)] = []
    private var last = 0.0

    init(enabled: Bool) { self.enabled = enabled }

    mutating func start() { if enabled { last = threadCPUSeconds() } }

    mutating func end(_ name: String) {
        guard enabled else { return }
        let now = threadCPUSeconds()
        if let i = totals.firstIndex(where: { $0.0 == name }) { totals[i].1 += now - last } else { totals.append((name, now - last)) }
        last = now
    }
}

BLAS.setThreads(1)
let batchSize = 256, steps = option("--steps", default: 2000), warmup = option("--warmup", default: 50)
let data = SyntheticRatings(batchCount: 64, batchSize: batchSize)
var rng = SeededGenerator(seed: 7)
let model = FusedRatingModel(rng: &rng)
let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
var phases = Phases(enabled: CommandLine.arguments.contains("--phases"))
var untimed = Phases(enabled: false)
for s in 0..<warmup { _ = model.trainStep(data.batches[s % data.batches.count], adam, &untimed) }
let clock = ContinuousClock()
var lossSum = 0.0
let cpuStart = cpuSeconds()
let elapsed = clock.measure {
    for s in 0..<steps { lossSum += Double(model.trainStep(data.batches[s % data.batches.count], adam, &phases)) }
}
let cpu = cpuSeconds() - cpuStart
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
let samples = Double(steps * batchSize)
let distinctText = data.batches.map { Set($0.text.indices).count }.reduce(0, +) / data.batches.count
print(String(format: "swift   steps %d  batch %d  wall %.3f s  %.0f samples/s  cpu %.3f s  %.0f samples/cpu-s  mean loss %.4f  (distinct text rows/batch %d)",
             steps, batchSize, seconds, samples / seconds, cpu, samples / cpu, lossSum / Double(steps), distinctText))
for (name, total) in phases.totals {
    print("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%7.1f µs/step", total / Double(steps) * 1e6))
}
