import NeuralNet
@testable import Recommender
import TensorCore
import TestSupport
import Testing

/// A ranker scores a user's items with the first MLP layer's item half B·v_i + b₁ computed once
/// per item (`Scorer.itemHalf`); its ratings must be the pair scoring's, r̂ = μ + b_u + b_i +
/// ⟨w_u, v_i⟩ + MLP([w_u, v_i, w_u ⊙ v_i]), written out here in Double from the head's weights.
@Suite struct ItemHalfScoringTests {
    @Test(arguments: [[6], [], [5, 3]])
    func rankerRatingsEqualTheMLPOverTheWholePairInput(hidden: [Int]) throws {
        let (g, model) = try Self.model(hidden: hidden)
        let ranker = FusedRanker(model: model, normalizer: Self.identity(g), score: .rating)
        let w = model.userVectors(), v = model.itemVectors()
        let items = Array(0..<g.items)
        for u in 0..<g.users {
            let fast = ranker.ratings(user: u, items: items)
            let pairs = model.score(users: items.map { _ in u }, items: items, userVectors: w, itemVectors: v)
            let reference = items.map { Self.reference(model, w: Self.row(w, u), v: Self.row(v, $0), user: u, item: $0) }
            #expect(closeness(fast, reference, absolute: 1e-5, relative: 1e-5).ok, "hidden \(hidden), user \(u)")
            #expect(closeness(fast, pairs, absolute: 1e-5, relative: 1e-5).ok, "hidden \(hidden), user \(u) against the pair path")
        }
        // A user the model never saw: row 0 of its own vectors, the unknown-user bias.
        let cold = FusedRanker(coldUserOf: model, normalizer: Self.identity(g), score: .rating, items: ranker.items)
        let coldPairs = model.score(users: items.map { _ in 0 }, items: items, userVectors: model.coldUserVector(),
                                    itemVectors: v, coldUser: true)
        #expect(closeness(cold.ratings(user: 0, items: items), coldPairs, absolute: 1e-5, relative: 1e-5).ok)
    }

    /// Items appended after training get their item half too, and score as the same vectors
    /// would in a catalog that had them from the start.
    @Test func appendedItemsScoreAsTheirVectors() throws {
        let (g, model) = try Self.model(hidden: [6])
        var ranker = FusedRanker(model: model, normalizer: Self.identity(g), score: .rating)
        let v = model.itemVectors(), d = v.shape[1]
        let added = Tensor(shape: [2, d], storage: (0..<(2 * d)).map { Float($0 % 5) * 0.3 - 0.6 })
        var side = ranker.items
        side.append(vectors: added, rankingVectors: added, scorer: model.scorer())
        ranker.rank(side)
        #expect(side.firstLayerHalf.shape == [g.items + 2, 6])
        let all = concatenateRows(v, added), w = model.userVectors()
        let items = Array(0..<(g.items + 2))
        for u in 0..<g.users {
            let pairs = model.score(users: items.map { _ in u }, items: items, userVectors: w, itemVectors: all)
            #expect(closeness(ranker.ratings(user: u, items: items), pairs, absolute: 1e-5, relative: 1e-5).ok, "user \(u)")
        }
    }

    static func model(hidden: [Int]) throws -> (FusionModelParityTests.Golden, FusionModel) {
        let g: FusionModelParityTests.Golden = try Repository.golden("recommender/fusion_model.json")
        let model = FusionModelParityTests.build(g, generatorValues: false) { $0.hidden = hidden }
        // Parameters with spread, so every block of the first layer (A, B, C) and the deeper layers matter.
        var rng = SeededGenerator(seed: 7)
        for p in model.parameters { p.value = Tensor.normal(shape: p.value.shape, std: 0.5, using: &rng) }
        return (g, model)
    }

    static func identity(_ g: FusionModelParityTests.Golden) -> RatingNormalizer {
        let set = RatingSet(userIds: (0..<g.users).map { "u\($0)" }, itemIds: (0..<g.items).map { "i\($0)" },
                            users: g.train.map { Int32($0[0]) }, items: g.train.map { Int32($0[1]) },
                            ratings: g.train.map { Float($0[2]) }, timestamps: g.train.map { $0[3] })
        return RatingNormalizer(method: .none, set: set, trainRows: Array(0..<set.count))
    }

    static func row(_ t: Tensor, _ r: Int) -> [Double] {
        let d = t.shape[1]
        return t.storage[(r * d)..<((r + 1) * d)].map(Double.init)
    }

    /// μ + b_u + b_i + ⟨w, v⟩ + MLP([w, v, w ⊙ v]) in Double, layer by layer from the frozen head.
    static func reference(_ model: FusionModel, w: [Double], v: [Double], user: Int, item: Int) -> Float {
        let scorer = model.scorer()
        var x = w + v + zip(w, v).map(*)
        for layer in scorer.head.layers {
            if let linear = layer as? Linear.Frozen {
                x = Linear.Reference.forward(x: x, w: linear.weight.storage.map(Double.init), b: linear.bias?.storage.map(Double.init),
                                             n: 1, inF: linear.inFeatures, outF: linear.outFeatures)
            } else if layer is ReLU.Frozen {
                x = x.map { max($0, 0) }
            }
        }
        let dot = zip(w, v).reduce(0) { $0 + $1.0 * $1.1 }
        let bias = Double(model.globalMean) + Double(scorer.userBias.storage[model.behavior.userRow(user)])
            + Double(scorer.itemBias.storage[model.behavior.itemRow(item)])
        return Float(bias + dot + x[0])
    }
}
