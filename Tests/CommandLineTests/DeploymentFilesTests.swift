import Foundation
import TestSupport
import Testing
import Yams

/// deploy/kubernetes and deploy/slurm run as written: the tests read each file, run the exact
/// command it holds with the variables its engine sets (a Kubernetes Indexed Job's
/// JOB_COMPLETION_INDEX, a Slurm array's SLURM_ARRAY_TASK_*), against the generated catalog in a
/// stand-in for the shared volume, and compare the merged files with the unsharded extract.
@Suite(.serialized) struct DeploymentFilesTests {
    let catalog: ShardedCatalog
    /// The stand-in for the jobs' shared volume (/shared), holding pipelines/catalog.yaml.
    let shared: URL

    init() throws {
        catalog = try ShardedCatalog.shared.get()
        shared = Repository.temporaryDirectory("shared")
        let yaml = try String(contentsOf: catalog.pipeline, encoding: .utf8)
            .replacingOccurrences(of: "catalog/", with: "\(catalog.root.path)/catalog/")
        try FileManager.default.createDirectory(at: shared.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try yaml.write(to: shared.appendingPathComponent("pipelines/catalog.yaml"), atomically: true, encoding: .utf8)
    }

    static let deploy = Repository.root.appendingPathComponent("deploy")

    // MARK: Kubernetes

    /// A Job's only container: its command with `$(VAR)` expanded as the kubelet does, from its
    /// env with /shared moved to the stand-in.
    func container(_ file: String, extra: [String: String] = [:]) throws -> (job: [String: Any], args: [String]) {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("kubernetes/\(file)"), encoding: .utf8)
        let job = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(job["kind"] as? String == "Job" && job["apiVersion"] as? String == "batch/v1")
        let spec = try #require(job["spec"] as? [String: Any])
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let containers = try #require(pod["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        var env = extra
        for variable in containers[0]["env"] as? [[String: Any]] ?? [] {
            let value = try #require(variable["value"] as? String)
            env[try #require(variable["name"] as? String)] = value.replacingOccurrences(of: "/shared", with: shared.path)
        }
        let command = try #require(containers[0]["command"] as? [String])
        #expect(command.first == "pipeline")
        let args = command.dropFirst().map { arg in env.reduce(arg) { $0.replacingOccurrences(of: "$(\($1.key))", with: $1.value) } }
        #expect(!args.contains { $0.contains("$(") }, "\(args)")
        return (spec, args)
    }

    func run(_ args: [String], _ environment: [String: String] = [:]) throws {
        let result = try PipelineProcess.run(args, environment: environment)
        #expect(result.status == 0, "\(args): \(result.stderr)")
    }

    @Test func kubernetesFitIndexedExtractAndMergeGiveTheUnshardedBytes() throws {
        try run(container("fit-job.yaml").args)
        let (extract, _) = try container("extract-indexed-job.yaml")
        #expect(extract["completionMode"] as? String == "Indexed")
        let completions = try #require(extract["completions"] as? Int)
        for index in 0..<completions {
            let (_, args) = try container("extract-indexed-job.yaml")
            // What the Job controller and the container's env give the pod.
            let env = ["JOB_COMPLETION_INDEX": String(index), "PIPELINE_SHARD_COUNT": try shardCount()]
            try run(args, env)
        }
        #expect(try shardCount() == String(completions), "PIPELINE_SHARD_COUNT must equal completions")
        try run(container("merge-job.yaml").args)
        #expect(try ShardedCatalog.bytes(shared.appendingPathComponent("embeddings")) == ShardedCatalog.bytes(catalog.unsharded))
    }

    private func shardCount() throws -> String {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("kubernetes/extract-indexed-job.yaml"), encoding: .utf8)
        let pod = ((try Yams.load(yaml: text) as? [String: Any])?["spec"] as? [String: Any]).flatMap {
            ($0["template"] as? [String: Any])?["spec"] as? [String: Any]
        }
        let env = ((pod?["containers"] as? [[String: Any]])?.first?["env"] as? [[String: Any]]) ?? []
        return try #require(env.first { $0["name"] as? String == "PIPELINE_SHARD_COUNT" }?["value"] as? String)
    }

    // MARK: Slurm

    /// Runs a batch script with bash, as the node would, with `pipeline` on PATH.
    func sbatch(_ file: String, _ environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.deploy.appendingPathComponent("slurm/\(file)").path]
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = PipelineProcess.binary.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["SHARED"] = shared.path
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(file): \(stderr)")
    }

    @Test func slurmFitArrayAndDependentMergeGiveTheUnshardedBytes() throws {
        let array = try String(contentsOf: Self.deploy.appendingPathComponent("slurm/extract-array.sbatch"), encoding: .utf8)
        let range = try #require(array.split(separator: "\n").first { $0.hasPrefix("#SBATCH --array=") })
            .dropFirst("#SBATCH --array=".count).split(separator: "-").compactMap { Int($0) }
        #expect(range.count == 2)
        try sbatch("fit.sbatch")
        // What Slurm sets in each task of --array=first-last.
        for task in range[0]...range[1] {
            try sbatch("extract-array.sbatch", ["SLURM_ARRAY_JOB_ID": "100", "SLURM_ARRAY_TASK_ID": String(task),
                                                "SLURM_ARRAY_TASK_MIN": String(range[0]), "SLURM_ARRAY_TASK_MAX": String(range[1]),
                                                "SLURM_ARRAY_TASK_COUNT": String(range[1] - range[0] + 1)])
        }
        try sbatch("merge.sbatch")
        #expect(try ShardedCatalog.bytes(shared.appendingPathComponent("embeddings")) == ShardedCatalog.bytes(catalog.unsharded))
        let submit = try String(contentsOf: Self.deploy.appendingPathComponent("slurm/submit.sh"), encoding: .utf8)
        #expect(submit.contains("--dependency=afterok:\"$fit\" extract-array.sbatch"))
        #expect(submit.contains("--dependency=afterok:\"$extract\" merge.sbatch"))
    }

    /// Open MPI's variables pick the shard too (`mpirun -np N pipeline extract …`): each rank its own.
    @Test func openMPIRanksEachExtractTheirShard() throws {
        let fit = shared.appendingPathComponent("fit")
        try run(["fit", catalog.pipeline.path, "--output", fit.path, "--quiet"])
        let parts = shared.appendingPathComponent("mpi-parts")
        for rank in 0..<2 {
            try run(["extract", catalog.pipeline.path, "--fit", fit.path, "--output", parts.path, "--quiet"],
                    ["OMPI_COMM_WORLD_RANK": String(rank), "OMPI_COMM_WORLD_SIZE": "2"])
        }
        let made = try FileManager.default.contentsOfDirectory(atPath: parts.path).filter { $0.hasPrefix("part-") }.sorted()
        #expect(made == ["part-00000-of-00002", "part-00001-of-00002"])
    }
}
