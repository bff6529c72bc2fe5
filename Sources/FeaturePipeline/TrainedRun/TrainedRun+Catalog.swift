import Foundation
import Recommender
import TensorCore

/// `recommend --catalog FILE`: ranking the items of another catalog (new items with content
/// but no ratings, or a mix with known ones) for a user of the run.
extension TrainedRun {
    /// Top-k items of the items file of `spec` for `user`, by the run's ranking score: each item
    /// goes through the run's encoders and towers (its own id rows and biases when the run knows
    /// its id, the unknown-item rows otherwise). Items the user rated (in the rows `seenRows`
    /// names) are left out.
    /// Equal scores go to the smaller id.
    public func recommend(user: String, k: Int, catalogOf spec: PipelineSpec, excluding seenRows: SeenItems = .all) throws
        -> (known: Bool, items: [Recommendation])
    {
        var report = LoadReport()
        let catalog = try DataLoader.loadCatalog(spec.data, report: &report)
        let encoders = try foreignEncoders(of: catalog, data: spec.data)
        let rows = idRows(ofItems: catalog.ids)
        let u = set.userIds.firstIndex(of: user)
        let seen = Set(u.map { seenItems(ofUser: $0, seenRows) }?.map { set.itemIds[Int($0)] } ?? [])
        let userVector = u.map { gather(model.userVectors(), [$0]) } ?? model.coldUserVector()
        let raw = model.score(userVector: userVector, userIndex: u, itemVectors: model.itemVectors(encoders: encoders, idRows: rows), idRows: rows)
        let ratings = raw.map { description.normalizer.denormalize($0, user: u ?? -1) }
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
        let range = description.ratingRange[0]...description.ratingRange[1]
        let items = order.enumerated().map { rank, i in
            Recommendation(rank: rank + 1, item: catalog.ids[i], score: rankingScores[i],
                           rating: set.implicit ? nil : min(max(ratings[i], range.lowerBound), range.upperBound))
        }
        return (u.map { model.behavior.knownUsers[$0] } ?? false, items)
    }
}
