import Foundation
import NeuralNet

/// The ranks of a training group other than 0, the followers (`mpirun -np N pipeline run FILE`,
/// docs/scale-out-training.md).
///
/// Rank 0 runs the pipeline as one process does and alone writes the run folder. The followers
/// wait, asleep, for its instructions (`GroupInstruction`): extract their part of the catalog
/// (`ExtractStage+Group`) and wait again, train with rank 0 (`TrainStage+Group`) and exit, or exit.
/// They write nothing but item cache entries.
extension PipelineRunner {
    /// Where rank 0 knows the followers to be.
    enum Followers {
        /// Waiting for an instruction: rank 0 can still let them go if it fails.
        case waiting
        /// In collectives with rank 0 (extracting their part, training): a failure of rank 0 must
        /// abort them.
        case busy
        /// Told to exit.
        case released
    }

    /// Rank 0: sends `instruction` to the followers if they wait for one.
    func tell(_ instruction: GroupInstruction) {
        guard let group, group.size > 1, followers == .waiting else { return }
        _ = group.broadcast(instruction.bytes, from: 0)
        followers = instruction == .finish ? .released : .busy
    }

    /// Rank 0: lets waiting followers exit (the train stage was up to date, nothing was left to
    /// train on, or the run failed between their parts).
    func releaseFollowers() {
        tell(.finish)
    }

    /// Rank 0: whether no follower is left in a collective with it (there are none, or they were
    /// told to exit), so that a failed job can end without aborting them.
    public var followersReleased: Bool {
        guard let group, group.size > 1 else { return true }
        return followers == .released
    }

    /// Ranks other than 0: does what rank 0 says until it says to exit or training ends.
    public func follow() throws {
        guard let group, group.size > 1 else { return }
        while true {
            switch GroupInstruction(group.broadcast([], from: 0)) {
            case .extract:
                try extractPart(group)
            case .train(let key):
                let (trainer, _, _, _) = try makeTrainer(key: key)
                trainer.writesCheckpoints = false
                _ = try trainer.train()
                return
            case .finish:
                return
            }
        }
    }
}
