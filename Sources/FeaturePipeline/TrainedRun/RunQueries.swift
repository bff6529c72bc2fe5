import Foundation
import Recommender
import TensorCore

/// What `pipeline serve` answers `predict` and `recommend` for the run's users with: the run's
/// tables and both rankers, every vector computed, nothing lazy and no model, so any number of
/// threads share one value.
public struct RunQueries: Sendable {
    public let tables: RunTables
    let ranker: FusedRanker, coldUserRanker: FusedRanker

    public func predict(user: String, item: String) throws -> TrainedRun.Prediction {
        try tables.prediction(user: user, item: item) { u, i in
            tables.clipped((u == nil ? coldUserRanker : ranker).ratings(user: u ?? 0, items: [i])[0])
        }
    }

    /// Top-k items for `user`: `TrainedRun.recommend(user:k:excluding:never:)`. `candidates`
    /// overrides the run's candidate count for this list (0: every item).
    public func recommend(user: String, k: Int, excluding seenRows: TrainedRun.SeenItems = .all, never: [String] = [],
                          candidates: Int? = nil) -> (known: Bool, items: [TrainedRun.Recommendation]) {
        tables.recommend(user: user, k: k, excluding: seenRows, never: never) { cold in
            let ranker = cold ? coldUserRanker : self.ranker
            return candidates.map { ranker.candidates(TrainedRun.candidateCount($0, items: tables.itemIds.count)) } ?? ranker
        }
    }
}

/// The id indexes, each user's rows and the tie order of a trained run: cheap to compute (one
/// pass over the ratings), shared by `TrainedRun` and `RunQueries` so the offline commands and
/// the server make their lists in one code path.
public struct RunTables: Sendable {
    let set: RatingSet
    let split: DataSplit
    let description: ModelDescription
    let knownUsers: [Bool], knownItems: [Bool]
    /// Every item id by index: the run's, then those added after training (`addItems`).
    private(set) var itemIds: [String]
    /// The item and user ids → their index (first occurrence).
    private(set) var itemPositions: [String: Int]
    let userPositions: [String: Int]
    private(set) var ties: TieBreak
    /// Each user's rows of the run's data, so a user's seen items are found without a scan.
    let rowsByUser: [[Int32]]

    init(set: RatingSet, split: DataSplit, description: ModelDescription, behavior: UserBehavior) {
        (self.set, self.split, self.description) = (set, split, description)
        (knownUsers, knownItems) = (behavior.knownUsers, behavior.knownItems)
        itemIds = set.itemIds
        itemPositions = Dictionary(set.itemIds.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        userPositions = Dictionary(set.userIds.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        ties = TieBreak(set: set, trainRows: split.rows(in: .train))
        var rows = [[Int32]](repeating: [], count: set.userIds.count)
        for r in 0..<set.count { rows[Int(set.users[r])].append(Int32(r)) }
        rowsByUser = rows
    }

    /// Makes `ids` (new) items after the last, with no train interactions: they come after every
    /// item with some in the tie order, as a cold catalog item does.
    mutating func addItems(_ ids: [String]) {
        for id in ids {
            precondition(itemPositions[id] == nil, "addItems: item \(id) is already in the run")
            itemPositions[id] = itemIds.count
            itemIds.append(id)
        }
        var counts = [Int](repeating: 0, count: itemIds.count)
        for r in split.rows(in: .train) { counts[Int(set.items[r])] += 1 }
        ties = TieBreak(counts: counts, ids: itemIds)
    }

    /// Whether training saw ratings of item `i` (false for an item added after training).
    func isKnownItem(_ i: Int) -> Bool { i < knownItems.count && knownItems[i] }

    /// Whether `id` is one of the run's users (rated anything in train, validation or test).
    public func hasUser(_ id: String) -> Bool { userPositions[id] != nil }

    /// Whether `id` is one of the run's items.
    public func hasItem(_ id: String) -> Bool { itemPositions[id] != nil }

    /// The prediction of `user` for `item`, whose clipped rating `rating(user index, item index)`
    /// gives (user index nil: a user the run never saw).
    func prediction(user: String, item: String, rating: (_ user: Int?, _ item: Int) -> Float) throws -> TrainedRun.Prediction {
        let i = try itemIndex(item)
        let u = userPositions[user]
        return TrainedRun.Prediction(user: user, item: item, prediction: rating(u, i),
                                     userKnown: u.map { knownUsers[$0] } ?? false, itemKnown: isKnownItem(i))
    }

    /// Top-k items for `user`, whose ranker `ranker(cold)` gives (cold: a user the run never saw,
    /// who gets the unknown-user row): `TrainedRun.recommend(user:k:excluding:never:)`.
    func recommend(user: String, k: Int, excluding seenRows: TrainedRun.SeenItems, never: [String],
                   ranker: (_ cold: Bool) -> FusedRanker) -> (known: Bool, items: [TrainedRun.Recommendation]) {
        let u = userPositions[user]
        let seen = (u.map { seenItems(ofUser: $0, seenRows) } ?? []).union(itemRows(never))
        return (u.map { knownUsers[$0] } ?? false, recommendations(ranker(u == nil), row: u ?? 0, excluded: seen, k: k))
    }

    /// The first `k` items `ranker` ranks for its user `row`, with their scores and clipped ratings.
    func recommendations(_ ranker: FusedRanker, row: Int, excluded: Set<Int32>, k: Int) -> [TrainedRun.Recommendation] {
        let top = ranker.topItems(users: [Int32(row)], excluded: [excluded], k: min(k, itemIds.count), ties: ties)[0].map(Int.init)
        let scores = ranker.scores(user: row, items: top)
        let ratings = set.implicit ? nil : ranker.ratings(user: row, items: top).map(clipped)
        return top.indices.map { TrainedRun.Recommendation(rank: $0 + 1, item: itemIds[top[$0]], score: scores[$0], rating: ratings?[$0]) }
    }

    /// The items `user` (an index of the run's users) rated in the rows `seen` names.
    func seenItems(ofUser u: Int, _ seen: TrainedRun.SeenItems) -> Set<Int32> {
        var items = Set<Int32>()
        guard seen != .none else { return items }
        for r in rowsByUser[u] where seen == .all || split.parts[Int(r)] == .train {
            items.insert(set.items[Int(r)])
        }
        return items
    }

    /// The rows of the ids in the run; others are skipped.
    func itemRows(_ ids: [String]) -> Set<Int32> { Set(ids.compactMap { itemPositions[$0].map(Int32.init) }) }

    /// A predicted rating clipped to the run's rating range (what predictions report).
    func clipped(_ rating: Float) -> Float { min(max(rating, description.ratingRange[0]), description.ratingRange[1]) }

    /// The index of item `id`, or an error that shows what the run's ids look like.
    func itemIndex(_ id: String) throws -> Int {
        if let i = itemPositions[id] { return i }
        let near = itemIds.lazy.filter { $0.hasPrefix(String(id.prefix(2))) }.prefix(3)
        throw PipelineError(what: "no item '\(id)' in this run's catalog",
                            hint: near.isEmpty ? "item ids come from the items file's id column" : "ids look like \(near.joined(separator: ", "))")
    }
}
