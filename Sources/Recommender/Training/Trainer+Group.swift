import NeuralNet
import TensorCore

/// Data-parallel training: with a `group` of size N, every member holds the model and draws the same
/// global batches (same seed, same order) and the same masks; member r trains on the r-th of N
/// contiguous parts of each batch, the gradients are summed across the group (`GradientExchange`)
/// and every member takes the same optimizer step. Without a group (or with one member) nothing
/// here changes a bit.
extension Trainer {
    /// This member's rows of a global batch of `count` rows (a ranking batch's users: all
    /// candidates are kept, the softmax runs over them): contiguous, part sizes differ by at most one.
    func localRows(of count: Int) -> Range<Int> {
        guard let group, group.size > 1 else { return 0..<count }
        return group.contiguousPart(of: count)
    }

    /// Validation's ranking split among the group: member r ranks the r-th of N contiguous parts of
    /// the users' chunks, then every member gathers all rankings (each user's list is the one one
    /// process computes), so every member gets the same metrics.
    func splitRanking(_ group: any Collectives) -> Evaluator.ChunkRunner {
        let threads = threads
        return { chunks, body in
            let part = group.contiguousPart(of: chunks)
            let mine = parallelMap(count: part.count, threads: threads) { body(part.lowerBound + $0) }
            // Flattened: per chunk its user count, per user its item count and items.
            var flat: [Int32] = []
            for chunk in mine {
                flat.append(Int32(chunk.count))
                for items in chunk { flat.append(Int32(items.count)); flat += items }
            }
            return group.allGather(flat).flatMap(Self.rankingChunks)
        }
    }

    /// The chunks of users' rankings flattened by `splitRanking`.
    static func rankingChunks(_ flat: [Int32]) -> [[[Int32]]] {
        var chunks: [[[Int32]]] = []
        var at = 0
        while at < flat.count {
            let users = Int(flat[at])
            at += 1
            var chunk: [[Int32]] = []
            for _ in 0..<users {
                let count = Int(flat[at])
                chunk.append(Array(flat[(at + 1)..<(at + 1 + count)]))
                at += 1 + count
            }
            chunks.append(chunk)
        }
        return chunks
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
