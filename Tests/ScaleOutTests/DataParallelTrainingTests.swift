import Foundation
import Testing
import TestSupport

/// Data-parallel training under `mpirun --allow-run-as-root --oversubscribe -np N` (a build with
/// the MPI trait; skipped otherwise): the shim's collectives and the gradient exchange, identical
/// parameters on every rank after every step, the same test RMSE for 1, 2 and 3 ranks at the same
/// global batch, and a killed rank (docs/scale-out-training.md).
@Suite(.serialized, .enabled(if: MPIRun.available, MPIRun.skipReason))
struct DataParallelTrainingTests {
    /// The demo pipeline, trained for a few epochs without early stopping (about 40 steps an epoch).
    static let yaml: String = {
        let demo = (try? String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)) ?? ""
        return demo + "\ntrain: {epochs: 3, early_stopping: {patience: 0}}\n"
    }()

    /// The demo's id and text tables (about 20 000 values each) updated in parts, its small ones whole.
    static let partedTables = ["PIPELINE_MPI_TABLES_IN_PARTS_FROM": "4096"]

    @Test(arguments: [2, 3])
    func collectivesAndGradientExchangeSumExactly(ranks: Int) throws {
        for check in ["collectives", "exchange"] {
            let run = try MPIRun.run(np: ranks, MPIRun.binary("MPICheck"), [check])
            #expect(run.status == 0, "\(check): \(run.stdout)\(run.stderr)")
            for rank in 0..<ranks { #expect(run.stdout.contains("rank \(rank): ok \(check)"), "\(run.stdout)") }
        }
    }

    @Test func parametersAreIdenticalOnEveryRankAfterEveryStep() throws {
        let ws = try CatalogWorkspace("mpi-steps", pipelineYAML: Self.yaml)
        defer { ws.remove() }
        let run = try MPIRun.run(np: 2, PipelineProcess.binary, ["run", ws.pipeline.path, "-q"],
                                 environment: Self.partedTables.merging(["PIPELINE_MPI_CHECK_STEPS": "1"]) { $1 })
        #expect(run.status == 0, "\(run.problems)")
        let line = run.stderr.split(separator: "\n").first { $0.hasPrefix("parameters identical on all 2 ranks") }
        let steps = line.flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Int($0) } ?? 0
        #expect(steps >= 10, "\(run.problems)")
    }

    @Test func testRMSEIsTheSameForOneTwoAndThreeRanks() throws {
        var rmse: [Int: Double] = [:]
        for ranks in [1, 2, 3] {
            let ws = try CatalogWorkspace("mpi-rmse-\(ranks)", pipelineYAML: Self.yaml)
            defer { ws.remove() }
            let run = ranks == 1 ? try PipelineProcess.run(["run", ws.pipeline.path, "-q"])
                : try MPIRun.run(np: ranks, PipelineProcess.binary, ["run", ws.pipeline.path, "-q"], environment: Self.partedTables)
            try #require(run.status == 0, "\(ranks) ranks: \(run.problems)")
            rmse[ranks] = try Self.testRMSE(ws.runDirectory)
        }
        let one = try #require(rmse[1])
        for ranks in [2, 3] {
            let gap = abs((rmse[ranks] ?? .nan) - one)
            #expect(gap <= 0.002, "test RMSE by ranks: \(rmse)")
        }
        print("test RMSE by ranks: \(rmse.sorted { $0.key < $1.key })")
    }

    @Test func aKilledRankStopsTheJobAndTheRerunResumes() throws {
        let ws = try CatalogWorkspace("mpi-kill", pipelineYAML: Self.yaml)
        defer { ws.remove() }
        let slow = Self.partedTables.merging(["PIPELINE_FAULT_DELAY_MS": "30"]) { $1 }
        let job = MPIRun.start(np: 2, PipelineProcess.binary, ["run", ws.pipeline.path, "-q"], environment: slow)
        let key = ws.runDirectory.appendingPathComponent("stages/train/checkpoint/key.txt")
        let killed = try PipelineProcess.collect(job) {
            try Self.waitFor(timeout: 600) { !job.isRunning || ((try? Data(contentsOf: key))?.count ?? 0) > 0 }  // an epoch is checkpointed
            try #require(job.isRunning, "the job ended before its first checkpoint")
            let rank = try #require(MPIRun.rankProcess(1, of: job.processIdentifier), "rank 1 not found")
            kill(rank, SIGKILL)
        }
        #expect(killed.status != 0)
        #expect(killed.stderr.contains("exited on signal 9"), "\(killed.stderr)")
        let rerun = try MPIRun.run(np: 3, PipelineProcess.binary, ["run", ws.pipeline.path], environment: Self.partedTables)
        #expect(rerun.status == 0, "\(rerun.problems)")
        #expect(rerun.stderr.contains("resumed after epoch"), "\(rerun.stderr)")
    }

    static func testRMSE(_ run: URL) throws -> Double {
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("metrics.json"))) as? [String: Any]
        let all = ((metrics?["test"] as? [String: Any])?["fused"] as? [String: Any])?["all"] as? [String: Any]
        return try #require(all?["rmse"] as? Double)
    }

    static func waitFor(timeout: Double, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            try #require(Date() < deadline, "timed out")
            usleep(50_000)
        }
    }
}
