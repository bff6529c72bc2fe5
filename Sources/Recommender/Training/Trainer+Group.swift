import NeuralNet
import TensorCore

/// Data-parallel training: with a `group` of size N, every member holds the model and draws the same
/// global batches (same seed, same order); member r trains on the r-th of N contiguous parts of
/// each batch, the gradients are summed across the group (`GradientExchange`) and every member
/// takes the same optimizer step. Without a group (or with one member) nothing here changes a bit.
extension Trainer {
    /// This member's part of a global rating batch: contiguous, part sizes differ by at most one.
    func localPart(of batch: ArraySlice<Int>) -> ArraySlice<Int> {
        guard let group, group.size > 1 else { return batch }
        let (lower, upper) = Self.bounds(count: batch.count, part: group.rank, of: group.size)
        return batch[(batch.startIndex + lower)..<(batch.startIndex + upper)]
    }

    /// This member's users of a ranking batch (all candidates kept: the softmax runs over them),
    /// and its share of the batch's users, which scales its loss so the group's sum is the mean.
    func localPart(of batch: FusionModel.RankingBatch) -> (FusionModel.RankingBatch, share: Double) {
        guard let group, group.size > 1, !batch.users.isEmpty else { return (batch, 1) }
        let (lower, upper) = Self.bounds(count: batch.users.count, part: group.rank, of: group.size)
        let start = batch.targets.offsets[lower], end = batch.targets.offsets[upper]
        let targets = Bags(offsets: batch.targets.offsets[lower...upper].map { $0 - start },
                           indices: Array(batch.targets.indices[start..<end]),
                           weights: batch.targets.weights.map { Array($0[start..<end]) })
        let part = FusionModel.RankingBatch(users: Array(batch.users[lower..<upper]), targets: targets,
                                            candidates: batch.candidates, logQ: batch.logQ)
        return (part, Double(upper - lower) / Double(batch.users.count))
    }

    /// Part `part` of `count` elements cut into `parts` contiguous parts.
    static func bounds(count: Int, part: Int, of parts: Int) -> (Int, Int) {
        (count * part / parts, count * (part + 1) / parts)
    }

    /// The random stream of a step's id and modality masks: member 0's is the one-process stream,
    /// the others' differ so that their parts of the batch are not masked alike.
    func batchStream(epoch: Int, step: Int) -> String {
        let rank = group?.rank ?? 0
        return rank == 0 ? "batch-\(epoch)-\(step)" : "batch-\(epoch)-\(step)-rank-\(rank)"
    }

    /// A member with no rows in a rating batch still counts the batch, so that every member's
    /// dropout masks stay those of the same batch number.
    func skipForward() {
        model.dropoutBatches += 1
    }

    /// Checks that every member starts from the same epoch (all read the same checkpoint).
    func agreeOnStart(_ epoch: Int) throws {
        guard let group, group.size > 1 else { return }
        let epochs = group.allGather([Int64(epoch)]).map { $0[0] }
        guard Set(epochs).count == 1 else {
            throw DataError(file: checkpoint?.directory.path ?? "checkpoint",
                            message: "the training group's members resume from different epochs \(epochs) (rank order)",
                            hint: "the checkpoint changed while they read it; rerun to resume from the last complete checkpoint")
        }
    }

    /// The epoch's losses summed across the group in rank order (each member summed its part).
    func sumAcrossGroup(_ losses: EpochLosses, _ group: any Collectives) -> EpochLosses {
        let total = group.sumInRankOrder([losses.normalised, losses.rating, losses.ranking])
        return EpochLosses(normalised: total[0], rating: total[1], ranking: total[2])
    }
}
