import Foundation
import NeuralNet
@testable import Recommender
import TensorCore
import TestSupport
import Testing

/// The ranking side of the fused model: batches of the ranking objective, the exact pruned top-k of
/// the combined score, and log Φ. (Its gradients are checked against PyTorch in
/// FusionModelParityTests.)
@Suite struct RankingObjectiveTests {
    /// 6 users × 40 items, every user with 5 to 12 train items, item 39 never rated.
    static func ratings() -> RatingSet {
        var users: [Int32] = [], items: [Int32] = [], values: [Float] = []
        var rng = SeededGenerator(seed: 5)
        for u in 0..<6 {
            var pool = Array(0..<39)
            rng.shuffle(&pool)
            for i in pool.prefix(5 + u) {
                users.append(Int32(u)); items.append(Int32(i)); values.append(Float(1 + rng.nextInt(below: 5)))
            }
        }
        return RatingSet(userIds: (0..<6).map { "u\($0)" }, itemIds: (0..<40).map { "i\($0)" }, users: users, items: items,
                         ratings: values, timestamps: [Double](repeating: 0, count: users.count))
    }

    @Test func aCatalogWithinTheLimitUsesEveryItemWithoutCorrection() {
        let set = Self.ratings()
        let batches = RankingBatches(set: set, trainRows: Array(0..<set.count), batchSize: 4, negatives: 40)
        var rng = SeededGenerator(seed: 1)
        let pass = batches.pass(rng: &rng)
        #expect(batches.exact)
        #expect(pass.map(\.users.count) == [4, 2])
        #expect(Set(pass.flatMap(\.users)) == Set(0..<6), "one pass covers every user once")
        for b in pass {
            #expect(b.candidates == Array(0..<40))
            #expect(b.logQ == nil)
            for (r, u) in b.users.enumerated() {
                let train = (0..<set.count).filter { Int(set.users[$0]) == u }.map { Int(set.items[$0]) }
                #expect(b.targets.range(r).map { b.targets.indices[$0] } == train)
            }
        }
    }

    @Test func aLargerCatalogSamplesCandidatesAndCorrectsByInclusion() {
        let set = Self.ratings()
        let batches = RankingBatches(set: set, trainRows: Array(0..<set.count), batchSize: 2, negatives: 10)
        var rng = SeededGenerator(seed: 1)
        let pass = batches.pass(rng: &rng)
        var again = SeededGenerator(seed: 1)
        #expect(!batches.exact)
        #expect(batches.pass(rng: &again).map(\.candidates) == pass.map(\.candidates), "same generator, same batches")
        // Share of users holding each item, for q_j = 1 − (1 − π_j)(1 − M/N), π_j = 1 − (1 − f_j)^B.
        var holders = [Double](repeating: 0, count: 40)
        for i in set.items { holders[Int(i)] += 1 }  // each user rates an item at most once here
        for b in pass {
            let targets = Set(b.targets.indices)
            #expect(targets.isSubset(of: Set(b.candidates)), "every target is a candidate")
            #expect(b.candidates.count == targets.count + 10, "targets plus the drawn negatives")
            #expect(Set(b.candidates).count == b.candidates.count, "no candidate twice")
            for (j, item) in b.candidates.enumerated() {
                let pi = 1 - pow(1 - holders[item] / 6, 2)
                let q = 1 - (1 - pi) * (1 - 10.0 / 40)
                #expect(abs(Double(b.logQ![j]) - log(q)) < 1e-6, "log q of item \(item)")
            }
        }
    }

    /// The trainer draws its batches one step at a time: the same batches as whole passes, in
    /// order, across the passes' boundaries (sampled candidates depend on every earlier draw).
    @Test(arguments: [40, 10]) func drawingBatchesOneByOneGivesThePasses(negatives: Int) {
        let set = Self.ratings()
        let batches = RankingBatches(set: set, trainRows: Array(0..<set.count), batchSize: 4, negatives: negatives)
        var rng = SeededGenerator(seed: 3)
        let passes = (0..<3).flatMap { _ in batches.pass(rng: &rng) }
        var draws = batches.draws(rng: SeededGenerator(seed: 3))
        let drawn = passes.indices.map { _ in draws.nextBatch() }
        #expect(passes.count == 6)
        #expect(drawn.map(\.users) == passes.map(\.users))
        #expect(drawn.map(\.targets) == passes.map(\.targets))
        #expect(drawn.map(\.candidates) == passes.map(\.candidates))
        #expect(drawn.map(\.logQ) == passes.map(\.logQ))
        #expect(passes[0].users != passes[2].users, "each pass shuffles the users afresh")
    }

    /// The golden fusion model with its train ratings' normaliser and tie order.
    static func goldenRanking() throws -> (FusionModelParityTests.Golden, FusionModel, RatingNormalizer, TieBreak) {
        let g: FusionModelParityTests.Golden = try Repository.golden("recommender/fusion_model.json")
        let set = RatingSet(userIds: (0..<g.users).map { "u\($0)" }, itemIds: (0..<g.items).map { "i\($0)" },
                            users: g.train.map { Int32($0[0]) }, items: g.train.map { Int32($0[1]) },
                            ratings: g.train.map { Float($0[2]) }, timestamps: g.train.map { $0[3] })
        return (g, FusionModelParityTests.build(g), RatingNormalizer(method: .none, set: set, trainRows: Array(0..<set.count)),
                TieBreak(set: set, trainRows: Array(0..<set.count)))
    }

    /// The reference for the pruned ranking: each user's top k of the combined score computed
    /// for every item not excluded (users are rows of the model; no rating normalisation).
    static func exactCombinedTop(_ model: FusionModel, users: [Int32], excluded: [Set<Int32>], k: Int, ties: TieBreak,
                                 threshold: Float, sigma: Float) -> [[Int32]] {
        let s = model.rankingScores(userVectors: model.userVectors(forRanking: true), itemVectors: model.itemVectors(forRanking: true))
        let userVectors = model.userVectors(), itemVectors = model.itemVectors(), itemCount = itemVectors.shape[0]
        return users.enumerated().map { j, u in
            let items = (0..<itemCount).filter { !excluded[j].contains(Int32($0)) }
            let r = model.score(users: [Int](repeating: Int(u), count: items.count), items: items,
                                userVectors: userVectors, itemVectors: itemVectors)
            let combined = zip(items, r).map { i, rating in s.storage[j * itemCount + i] + FusedRanker.logNormalCDF((rating - threshold) / sigma) }
            return TopK.select(items: items.map(Int32.init), scores: combined, k: k, ties: ties)
        }
    }

    @Test func theCombinedScoreTopKEqualsScoringEveryItem() throws {
        let (g, model, normalizer, ties) = try Self.goldenRanking()
        let users = (0..<Int32(g.users)).map { $0 }
        let excluded: [Set<Int32>] = users.map { u in u == 1 ? [0, 2] : [] }
        for (threshold, sigma): (Float, Float) in [(3.5, 0.8), (6, 0.3), (0, 5)] {
            let ranker = FusedRanker(model: model, normalizer: normalizer, score: .combined(threshold: threshold, sigma: sigma))
            let top = ranker.topItems(users: users, excluded: excluded, k: 3, ties: ties)
            let exact = Self.exactCombinedTop(model, users: users, excluded: excluded, k: 3, ties: ties, threshold: threshold, sigma: sigma)
            for (j, u) in users.enumerated() { #expect(top[j] == exact[j], "user \(u), t \(threshold), σ \(sigma)") }
        }
    }

    /// `candidates`: a rating ranker scores fully only the items with the best dot-product part
    /// ⟨w_u, v_i⟩ + b_i, so its list is the exact rating order restricted to that shortlist
    /// (computed here by brute force), and a shortlist of every item is the exact list.
    @Test(arguments: [2, 5, 9, 1000])
    func ratingCandidatesAreTheExactOrderWithinTheDotProductShortlist(candidates: Int) throws {
        let (g, model, normalizer, ties) = try Self.goldenRanking()
        let users = (0..<Int32(g.users)).map { $0 }
        let excluded: [Set<Int32>] = users.map { u in u == 1 ? [0, 2] : [] }
        let exact = FusedRanker(model: model, normalizer: normalizer, score: .rating)
        let ranker = exact.candidates(candidates)
        let top = ranker.topItems(users: users, excluded: excluded, k: 3, ties: ties)
        let userVectors = model.userVectors(), itemVectors = model.itemVectors()
        let itemBias = model.scorer().itemBias
        let d = userVectors.shape[1]
        for (j, u) in users.enumerated() {
            let open = (0..<g.items).filter { !excluded[j].contains(Int32($0)) }
            let dot = open.map { i in
                (0..<d).reduce(Float(0)) { $0 + userVectors.storage[Int(u) * d + $1] * itemVectors.storage[i * d + $1] } + itemBias.storage[model.behavior.itemRow(i)]
            }
            let shortlist = TopK.select(items: open.map(Int32.init), scores: dot, k: max(candidates, 3), ties: ties).map(Int.init)
            let ratings = exact.ratings(user: Int(u), items: shortlist)
            #expect(top[j] == TopK.select(items: shortlist.map(Int32.init), scores: ratings, k: 3, ties: ties), "user \(u), \(candidates) candidates")
            if candidates >= g.items {
                #expect(top[j] == exact.topItems(users: [u], excluded: [excluded[j]], k: 3, ties: ties)[0])
            }
        }
    }

    @Test(arguments: [(3.0, -0.0013508099647481925), (0, -0.6931471805599453), (-1.5, -2.7059444008238898),
                      (-5, -15.064998393988727), (-20, -203.9171553710973), (-29.9, -451.3229124585287),
                      (-30.1, -457.32956441638237), (-40, -804.6084420137539)])
    func logNormalCDFMatchesScipy(z: Double, expected: Double) {
        // scipy.stats.norm.logcdf (scipy 1.17.1); Float precision of the result.
        let value = Double(FusedRanker.logNormalCDF(Float(z)))
        #expect(abs(value - expected) <= 2e-6 * max(1, abs(expected)), "log Φ(\(z)) = \(value), scipy \(expected)")
    }
}
