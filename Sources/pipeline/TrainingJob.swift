import ArgumentParser
import FeaturePipeline
import Foundation
import NeuralNet

#if MPI
    import MPITraining
#endif

/// This process's part in a data-parallel training job (`mpirun -np N pipeline run FILE`, built
/// with the MPI trait; docs/scale-out-training.md), or none when it runs on its own.
final class TrainingJob {
    /// The ranks training together; nil outside a launcher (and always without the MPI trait).
    let group: (any Collectives)?
    private let finish: () -> Void
    private let abort: (Int32) -> Never
    /// Whether, after this rank failed, no other rank waits in a collective for it (they were told
    /// to exit): the job then ends normally with this rank's status instead of aborting them.
    var othersReleased: () -> Bool = { false }

    private init(group: (any Collectives)?, finish: @escaping () -> Void, abort: @escaping (Int32) -> Never) {
        self.group = group
        self.finish = finish
        self.abort = abort
    }

    /// Whether this process runs the pipeline (rank 0, or no job) rather than following rank 0's training.
    var leads: Bool { (group?.rank ?? 0) == 0 }

    /// Joins the job a launcher started this process in.
    static func join() throws -> TrainingJob {
        let environment = ProcessInfo.processInfo.environment
        #if MPI
            if let group = try MPIGroup.joinIfLaunched(environment: environment) {
                return TrainingJob(group: group, finish: group.finish, abort: group.abort)
            }
        #else
            if let size = Int(environment["OMPI_COMM_WORLD_SIZE"] ?? environment["PMI_SIZE"] ?? ""), size > 1 {
                throw PipelineError(
                    what: "started as one of \(size) MPI ranks, but this pipeline was built without MPI support",
                    hint: "build it with `swift build --traits MPI` (docs/scale-out-training.md), or run it without mpirun")
            }
        #endif
        return TrainingJob(group: nil, finish: {}, abort: { exit($0) })
    }

    /// Runs `body` (which reports its own errors) as this rank's part: an error on any rank ends
    /// every rank of the job, since the others would wait for it forever.
    func run(_ body: () throws -> Void) throws {
        guard let group, group.size > 1 else {
            defer { finish() }
            return try body()
        }
        do {
            try body()
            finish()
        } catch let error as ExitCode where error.rawValue == ExitStatus.partialFailure || othersReleased() {
            finish()  // every stage ran (some items failed), or the other ranks were told to exit
            throw error
        } catch let error as ExitCode {
            abort(error.rawValue)
        } catch {
            abort(ExitStatus.failure)
        }
    }
}
