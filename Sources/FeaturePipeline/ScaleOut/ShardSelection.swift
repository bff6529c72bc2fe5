import Foundation

/// Which shard this process extracts: from `--shard I/N`, or from the variables a scheduler sets
/// for each task of an array (docs/scale-out.md). None is required; two that disagree are an error.
///
/// | engine | index | count |
/// |---|---|---|
/// | flag | `--shard I/N` | same flag, or `--shard-count N` |
/// | Kubernetes Indexed Job | `JOB_COMPLETION_INDEX` | `--shard-count N` or `PIPELINE_SHARD_COUNT` |
/// | Slurm job array | `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN`) | `SLURM_ARRAY_TASK_COUNT` |
/// | Open MPI (`mpirun -np N`) | `OMPI_COMM_WORLD_RANK` | `OMPI_COMM_WORLD_SIZE` |
public enum ShardSelection {
    /// One source's view: the index and, when that source knows it, the count.
    struct Claim {
        var source: String
        var index: Int
        var count: Int?
    }

    /// The shard the flags and `environment` select, nil when none mentions one (an unsharded
    /// extract). `shardFlag` is `I/N` (or `I`); `countFlag` is `--shard-count`.
    public static func resolve(shardFlag: String?, countFlag: Int?, environment: [String: String]) throws -> Shard? {
        var claims: [Claim] = []
        if let shardFlag { claims.append(try flagClaim(shardFlag)) }
        claims += try environmentClaims(environment)
        guard let first = claims.first else {
            if countFlag != nil {
                throw PipelineError(what: "--shard-count is given but no shard index",
                                    hint: "add --shard I/N, or run under a scheduler that sets JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or OMPI_COMM_WORLD_RANK")
            }
            return nil
        }
        for other in claims.dropFirst() where other.index != first.index {
            throw PipelineError(what: "shard index \(first.index) from \(first.source) disagrees with \(other.index) from \(other.source)",
                                hint: "give the shard one way: unset the other variable or drop the flag")
        }
        var counts = claims.compactMap { c in c.count.map { (c.source, $0) } }
        if let countFlag { counts.insert(("--shard-count", countFlag), at: 0) }
        if let text = environment["PIPELINE_SHARD_COUNT"] {
            counts.append(("PIPELINE_SHARD_COUNT", try number(text, "PIPELINE_SHARD_COUNT")))
        }
        guard let (countSource, count) = counts.first else {
            throw PipelineError(what: "shard index \(first.index) comes from \(first.source) but the shard count from nowhere",
                                hint: "add --shard-count N or set PIPELINE_SHARD_COUNT (a Kubernetes Indexed Job's completions)")
        }
        for (source, other) in counts.dropFirst() where other != count {
            throw PipelineError(what: "shard count \(count) from \(countSource) disagrees with \(other) from \(source)",
                                hint: "give the shard count one way")
        }
        return try Shard(index: first.index, count: count)
    }

    static func flagClaim(_ text: String) throws -> Claim {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let index = Int(parts[0]), parts.count == 1 || Int(parts[1]) != nil else {
            throw PipelineError(what: "--shard '\(text)' is not I/N", hint: "write the shard as I/N, e.g. --shard 2/8 (indices from 0)")
        }
        return Claim(source: "--shard", index: index, count: parts.count == 2 ? Int(parts[1]) : nil)
    }

    static func environmentClaims(_ env: [String: String]) throws -> [Claim] {
        var claims: [Claim] = []
        if let text = env["JOB_COMPLETION_INDEX"] {
            claims.append(Claim(source: "JOB_COMPLETION_INDEX", index: try number(text, "JOB_COMPLETION_INDEX"), count: nil))
        }
        if let text = env["SLURM_ARRAY_TASK_ID"] {
            // An array submitted as --array=1-N numbers its tasks from 1: count from the first.
            let first = try env["SLURM_ARRAY_TASK_MIN"].map { try number($0, "SLURM_ARRAY_TASK_MIN") } ?? 0
            let count = try env["SLURM_ARRAY_TASK_COUNT"].map { try number($0, "SLURM_ARRAY_TASK_COUNT") }
            claims.append(Claim(source: "SLURM_ARRAY_TASK_ID", index: try number(text, "SLURM_ARRAY_TASK_ID") - first, count: count))
        }
        if let text = env["OMPI_COMM_WORLD_RANK"] {
            let size = try env["OMPI_COMM_WORLD_SIZE"].map { try number($0, "OMPI_COMM_WORLD_SIZE") }
            claims.append(Claim(source: "OMPI_COMM_WORLD_RANK", index: try number(text, "OMPI_COMM_WORLD_RANK"), count: size))
        }
        return claims
    }

    static func number(_ text: String, _ name: String) throws -> Int {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw PipelineError(what: "\(name)='\(text)' is not a whole number", hint: "the scheduler sets it; check the job's environment")
        }
        return n
    }
}
