// Training throughput of the real fused model (FusionWorkload: Recommender.FusionModel stepped
// as Recommender.Trainer steps it), one thread. Peer: scripts/bench/fusion_step.py (PyTorch
// mirror, same data and batches, read from the files --write produces).
//
// Usage: BenchFusion [--write DIR] [--steps N] [--warmup N] [--users N] [--items N] [--ratings N]
//                    [--history] [--epoch]
// --epoch times one pass over every batch (steps = ratings / 256) instead of --steps.
import BenchSupport
import Foundation
import FusionWorkload
import TensorCore

BLAS.setThreads(1)
let arguments = CommandLine.arguments
let history = arguments.contains("--history")
let workload = FusionWorkload(users: option("--users", default: 50_000), items: option("--items", default: 20_000),
                              ratings: option("--ratings", default: 1_000_000), history: history)
if let i = arguments.firstIndex(of: "--write"), i + 1 < arguments.count {
    try workload.writePeerFiles(to: URL(fileURLWithPath: arguments[i + 1]))
    print("wrote \(arguments[i + 1]): \(workload.set.count) ratings, \(workload.data.userCount) users, \(workload.data.itemCount) items")
    exit(0)
}

let warmup = option("--warmup", default: 50)
let steps = arguments.contains("--epoch") ? workload.batches.count : option("--steps", default: 2000)
for s in 0..<warmup { workload.step(s) }
let clock = ContinuousClock()
var lossSum = 0.0
let cpuStart = cpuSeconds()
let elapsed = clock.measure {
    for s in 0..<steps { lossSum += workload.step(warmup + s) }
}
let cpu = cpuSeconds() - cpuStart
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
let samples = Double(steps * workload.batchSize)
print(String(format: "swift fusion%@ steps %d batch %d wall %.3f s %.0f samples/s cpu %.3f s %.0f samples/cpu-s mean loss %.4f",
             history ? "+history" : "", steps, workload.batchSize, seconds, samples / seconds, cpu, samples / cpu, lossSum / Double(steps)))
