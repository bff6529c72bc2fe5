import Foundation
import Recommender
import TensorCore

/// What a long-running caller (`pipeline serve`) asks before it scores: whether an id is the
/// run's, and the lazily derived tables computed up front so no request pays for them.
extension TrainedRun {
    /// Whether `id` is one of the run's users (rated anything in train, validation or test).
    public func hasUser(_ id: String) -> Bool { tables.hasUser(id) }

    /// Whether `id` is one of the run's items.
    public func hasItem(_ id: String) -> Bool { tables.hasItem(id) }

    /// Computes the user and item vectors, the rankers, the id tables, each user's rows and the
    /// tie order now, and forgets the model's decoded inputs; afterwards predict, recommend and
    /// similar only read them.
    public func warm() {
        _ = userVectors
        _ = itemVectors
        _ = itemSide
        _ = tables
        _ = ranker
        _ = coldUserRanker
        folder.forgetModelInputs()
    }
}
