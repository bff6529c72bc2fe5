import Foundation
import NeuralNet
@testable import Recommender
import TensorCore
import TestSupport
import Testing

/// The combined score's widening shortlist (`FusedRanker`) on a catalog of 3000 items, large enough
/// for it to stop early, to widen, or to score every item: each way its top k must equal the top k
/// of the combined score computed for every item.
@Suite struct CombinedShortlistTests {
    static let items = 3000, users = 5

    /// A model of `items` items with random content features, fitted to nothing (random weights):
    /// its ranking scores s are spread, so whether the shortlist stops depends on σ.
    static func model() -> (FusionModel, RatingNormalizer, TieBreak) {
        var rng = SeededGenerator(seed: 11)
        var us: [Int32] = [], its: [Int32] = [], rs: [Float] = []
        for u in 0..<users {
            for _ in 0..<20 {
                us.append(Int32(u)); its.append(Int32(Int.random(in: 0..<items, using: &rng)))
                rs.append(Float(Int.random(in: 1...5, using: &rng)))
            }
        }
        let set = RatingSet(userIds: (0..<users).map { "u\($0)" }, itemIds: (0..<items).map { "i\($0)" },
                            users: us, items: its, ratings: rs, timestamps: us.indices.map(Double.init))
        let rows = Array(0..<set.count)
        var options = ModelOptions()
        options.itemDim = 4; options.hidden = [6]; options.dropout = 0
        options.itemIdEmbedding = 3; options.userEmbedding = 3
        let features = Tensor(shape: [items, 5], storage: (0..<(items * 5)).map { _ in Float.random(in: -1...1, using: &rng) })
        let content = ProjectionEncoder(name: "content", features: features, present: [Bool](repeating: true, count: items),
                                        outputDimension: 3, rng: &rng)
        let model = FusionModel(options: options, behavior: UserBehavior(set: set, trainRows: rows, maxItems: 100),
                                globalMean: 3, itemEncoders: [content], isModality: [true], userEncoder: nil, seed: 2)
        return (model, RatingNormalizer(method: .none, set: set, trainRows: rows), TieBreak(set: set, trainRows: rows))
    }

    /// The higher the threshold, the more log Φ moves the order of s: with this model (seen with
    /// a print in `combinedTop`) t = 2.6 stops at the first shortlist (64), 2.8 widens once (to
    /// 256: only the new items' ratings computed), 3 widens until every item is scored, 2.9 mixes.
    @Test(arguments: [(Float(2.6), Float(0.5)), (2.8, 0.5), (2.9, 0.5), (3, 0.5)])
    func theTopKEqualsScoringEveryItem(threshold: Float, sigma: Float) {
        let (model, normalizer, ties) = Self.model()
        Self.expectExactTop(model, normalizer, ties, threshold: threshold, sigma: sigma)
    }

    /// A ranking head scoring every item alike (scale 0, no biases), as before training: the
    /// shortlist widens to the whole catalog, and the top k comes from the ratings of items far
    /// outside every shortlist by s.
    @Test func aFlatRankingHeadRanksByEveryItemsRating() {
        let (model, normalizer, ties) = Self.model()
        model.rankingScale.value.storage = [0]
        #expect(model.rankingBias.table.value.storage.allSatisfy { $0 == 0 })
        Self.expectExactTop(model, normalizer, ties, threshold: 3, sigma: 0.5)
    }

    static func expectExactTop(_ model: FusionModel, _ normalizer: RatingNormalizer, _ ties: TieBreak, threshold: Float, sigma: Float) {
        let users = (0..<Int32(Self.users)).map { $0 }
        let excluded: [Set<Int32>] = users.map { u in u == 1 ? Set((0..<300).map(Int32.init)) : [5, 6] }
        let ranker = FusedRanker(model: model, normalizer: normalizer, score: .combined(threshold: threshold, sigma: sigma))
        let top = ranker.topItems(users: users, excluded: excluded, k: 10, ties: ties)
        let exact = RankingObjectiveTests.exactCombinedTop(model, users: users, excluded: excluded, k: 10, ties: ties,
                                                           threshold: threshold, sigma: sigma)
        for (j, u) in users.enumerated() { #expect(top[j] == exact[j], "user \(u), t \(threshold), σ \(sigma)") }
    }
}
