import Foundation
import Recommender
import TensorCore

/// Items of another catalog (new items with content but no ratings, or a mix with known ones)
/// through this run: `predict --catalog` and `recommend --catalog`.
extension TrainedRun {
    /// Unclipped predicted ratings of user `u` (nil: a user the run never saw) for every item of
    /// a catalog whose `encoders` and id rows are given: each item's own bias row when the run
    /// knows its id, the unknown item's otherwise.
    func foreignRatings(userIndex u: Int?, encoders: [any FeatureEncoder], idRows rows: [Int]) -> [Float] {
        let w = u.map { gather(userVectors, [$0]) } ?? model.coldUserVector()
        return model.score(userVector: w, userIndex: u, itemVectors: model.itemVectors(encoders: encoders, idRows: rows), idRows: rows)
            .map { description.normalizer.denormalize($0, user: u ?? -1) }
    }

    /// Top-k items of `catalog` (read from `data`) for `user`, by the run's ranking score, each
    /// through the run's encoders and towers. Items the user rated (in the rows `seenRows`
    /// names) are left out. Equal scores go to the smaller id.
    public func recommend(user: String, k: Int, candidates catalog: Catalog, data: DataSpec, excluding seenRows: SeenItems = .all) throws
        -> (known: Bool, items: [Recommendation])
    {
        let encoders = try foreignEncoders(of: catalog, data: data)
        let rows = idRows(ofItems: catalog.ids)
        let u = userPositions[user]
        let seen = Set(u.map { tables.seenItems(ofUser: $0, seenRows) }?.map { set.itemIds[Int($0)] } ?? [])
        let ratings = foreignRatings(userIndex: u, encoders: encoders, idRows: rows)
        let rankingScores: [Float]
        switch scoring.score {
        case .rating:
            rankingScores = ratings
        case .retrieval, .combined:
            let rankingUser = u.map { gather(model.userVectors(forRanking: true), [$0]) } ?? model.coldUserVector(forRanking: true)
            let s = model.rankingScores(userVector: rankingUser, itemVectors: model.itemVectors(encoders: encoders, idRows: rows, forRanking: true),
                                        idRows: rows)
            if case .combined(let threshold, let sigma) = scoring.score {
                rankingScores = zip(s, ratings).map { $0 + FusedRanker.logNormalCDF(($1 - threshold) / sigma) }
            } else {
                rankingScores = s
            }
        }
        let order = catalog.ids.indices.filter { !seen.contains(catalog.ids[$0]) }.sorted {
            rankingScores[$0] != rankingScores[$1] ? rankingScores[$0] > rankingScores[$1] : catalog.ids[$0] < catalog.ids[$1]
        }.prefix(max(0, k))
        let items = order.enumerated().map { rank, i in
            Recommendation(rank: rank + 1, item: catalog.ids[i], score: rankingScores[i], rating: set.implicit ? nil : clipped(ratings[i]))
        }
        return (u.map { model.behavior.knownUsers[$0] } ?? false, items)
    }
}
