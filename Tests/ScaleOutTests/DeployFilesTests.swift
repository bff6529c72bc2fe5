import Foundation
import Testing
import TestSupport
import Yams

/// deploy/: the Slurm batch script and the Kubeflow MPIJob for data-parallel training parse, agree
/// with themselves (ranks, the shared run folder) and, where Open MPI and the trait build are
/// here, the batch script runs as Slurm would run it.
struct DeployFilesTests {
    static let deploy = Repository.root.appendingPathComponent("deploy")

    @Test func theMPIJobLaunchesOneRankPerWorkerOnASharedClaim() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("kubernetes/train-mpijob.yaml"), encoding: .utf8)
        let job = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(job["apiVersion"] as? String == "kubeflow.org/v2beta1")
        #expect(job["kind"] as? String == "MPIJob")
        let spec = try #require(job["spec"] as? [String: Any])
        let replicas = try #require(spec["mpiReplicaSpecs"] as? [String: [String: Any]])
        let workers = try #require(replicas["Worker"]?["replicas"] as? Int)
        let slots = spec["slotsPerWorker"] as? Int ?? 1
        #expect(replicas["Launcher"]?["replicas"] as? Int == 1)
        let launcher = try Self.container(replicas["Launcher"])
        let command = try #require(launcher["command"] as? [String])
        let np = try #require(command.firstIndex(of: "-np").map { command[$0 + 1] })
        #expect(command.first == "mpirun" && Int(np) == workers * slots, "\(command)")
        let run = try #require(command.firstIndex(of: "pipeline"))
        #expect(command[run + 1] == "run" && command[run + 2].hasSuffix(".yaml"))
        for role in ["Launcher", "Worker"] {  // every rank reads the run folder rank 0 writes
            let template = replicas[role]?["template"] as? [String: Any]
            let volumes = (template?["spec"] as? [String: Any])?["volumes"] as? [[String: Any]]
            let claim = (volumes?.first?["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String
            #expect(claim == "pipeline-data", "\(role)")
        }
    }

    @Test func theSlurmScriptRunsOneRankPerTask() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("slurm/train.sbatch"), encoding: .utf8)
        let directives = Dictionary(uniqueKeysWithValues: text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH --") }
            .map { line in
                let option = line.dropFirst("#SBATCH --".count).split(separator: "=", maxSplits: 1)
                return (String(option[0]), option.count > 1 ? String(option[1]) : "")
            })
        #expect(directives["ntasks-per-node"] == "1" && directives["nodes"] != nil, "\(directives)")
        let command = try #require(text.split(separator: "\n").first { $0.hasPrefix("exec mpirun") })
        #expect(command.contains("-np \"$SLURM_NTASKS\"") && command.contains("run \"$pipeline_file\""), "\(command)")
    }

    /// The batch script itself, with the variables Slurm sets for 2 tasks of 1 CPU, on the demo pipeline.
    @Test(.enabled(if: MPIRun.available, MPIRun.skipReason))
    func theSlurmScriptTrainsWithTheVariablesSlurmSets() throws {
        let ws = try CatalogWorkspace("slurm-train", pipelineYAML: DataParallelTrainingTests.yaml)
        defer { ws.remove() }
        let process = PipelineProcess.start([], environment: MPIRun.containerEnvironment.merging([
            "SLURM_NTASKS": "2", "SLURM_CPUS_PER_TASK": "1", "SLURM_JOB_ID": "1", "PIPELINE_BIN": PipelineProcess.binary.path,
        ]) { $1 })
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.deploy.appendingPathComponent("slurm/train.sbatch").path, ws.pipeline.path]
        let run = try PipelineProcess.collect(process)
        #expect(run.status == 0, "\(run.problems)")
        #expect(FileManager.default.fileExists(atPath: ws.runDirectory.appendingPathComponent("metrics.json").path))
    }

    static func container(_ replica: [String: Any]?) throws -> [String: Any] {
        let template = replica?["template"] as? [String: Any]
        let containers = (template?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]
        return try #require(containers?.first)
    }
}
