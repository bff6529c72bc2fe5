import Testing
@testable import FeaturePipeline

/// Each scheduler's variables select the shard it means; none is needed; two sources that
/// disagree are an error that names both.
@Suite struct ShardSelectionTests {
    func resolve(_ flag: String? = nil, count: Int? = nil, _ env: [String: String] = [:]) throws -> Shard? {
        try ShardSelection.resolve(shardFlag: flag, countFlag: count, environment: env)
    }

    func message(_ body: () throws -> Shard?) -> String {
        do { _ = try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func nothingMeansUnsharded() throws {
        #expect(try resolve(nil, ["PATH": "/bin", "PIPELINE_SHARD_COUNT": "4"]) == nil)
    }

    @Test func theFlagAlone() throws {
        #expect(try resolve("2/8") == Shard(index: 2, count: 8))
        #expect(try resolve("2", count: 8) == Shard(index: 2, count: 8))
        #expect(message { try resolve("2/x") }.contains("is not I/N"))
        #expect(message { try resolve("8/8") }.contains("outside 0..<8"))
    }

    @Test func kubernetesIndexedJob() throws {
        #expect(try resolve(nil, ["JOB_COMPLETION_INDEX": "3", "PIPELINE_SHARD_COUNT": "4"]) == Shard(index: 3, count: 4))
        #expect(try resolve(nil, count: 5, ["JOB_COMPLETION_INDEX": "0"]) == Shard(index: 0, count: 5))
        #expect(message { try resolve(nil, ["JOB_COMPLETION_INDEX": "3"]) }.contains("shard count from nowhere"))
    }

    @Test func slurmArray() throws {
        #expect(try resolve(nil, ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"]) == Shard(index: 1, count: 3))
        // --array=1-3 numbers the tasks 1, 2, 3: shards 0, 1, 2.
        let fromOne = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"]
        #expect(try resolve(nil, fromOne) == Shard(index: 2, count: 3))
    }

    @Test func openMPI() throws {
        #expect(try resolve(nil, ["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"]) == Shard(index: 1, count: 2))
    }

    @Test func sourcesThatAgreeAreFineAndOnesThatDisagreeAreNamed() throws {
        #expect(try resolve("1/2", ["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"]) == Shard(index: 1, count: 2))
        let index = message { try resolve("0/2", ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"]) }
        #expect(index.contains("shard index 0 from --shard disagrees with 1 from SLURM_ARRAY_TASK_ID"), "\(index)")
        let count = message { try resolve(nil, count: 4, ["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"]) }
        #expect(count.contains("shard count 4 from --shard-count disagrees with 2 from OMPI_COMM_WORLD_RANK"), "\(count)")
        let kube = message { try resolve(nil, ["JOB_COMPLETION_INDEX": "1", "PIPELINE_SHARD_COUNT": "4", "OMPI_COMM_WORLD_RANK": "1",
                                               "OMPI_COMM_WORLD_SIZE": "2"]) }
        #expect(kube.contains("disagrees"), "\(kube)")
        #expect(message { try resolve(nil, ["SLURM_ARRAY_TASK_ID": "one"]) }.contains("SLURM_ARRAY_TASK_ID='one' is not a whole number"))
    }
}
