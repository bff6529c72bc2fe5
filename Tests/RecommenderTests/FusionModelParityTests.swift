import NeuralNet
import Recommender
import TensorCore
import TestSupport
import Testing

/// The fused model against a PyTorch mirror (scripts/golden/fusion_model.py): first gradients of
/// every parameter, then ten optimiser steps (Adam dense, SparseAdam embeddings, L2 on touched rows).
@Suite struct FusionModelParityTests {
    struct Golden: Decodable {
        struct Step: Decodable { let loss: Float; let predictions: [Float] }
        let learning_rate: Float, lambda: Float
        let users: Int, items: Int
        let train: [[Double]]
        let genres: [String]
        let features: [Float], feature_width: Int
        let present: [Bool]
        let batches: [[Int]]
        let global_mean: Float
        let initial: [String: [Float]], first_gradients: [String: [Float]], final: [String: [Float]]
        let steps: [Step]
        struct RankingBatch: Decodable { let users: [Int]; let candidates: [Int]; let log_q: [Float] }
        let ranking_weight: Float
        let ranking_batches: [RankingBatch]
        let ranking_first_gradients: [String: [Float]]
        let shared_towers: Bool
        let ranking_dim: Int
    }

    /// The generator's model; `configure` changes options after the generator's (dropouts, say).
    /// `generatorValues`: false keeps the model's own initial values (for other layer widths).
    static func build(_ g: Golden, generatorValues: Bool = true, configure: (inout ModelOptions) -> Void = { _ in }) -> FusionModel {
        let set = RatingSet(
            userIds: (0..<g.users).map { "u\($0)" }, itemIds: (0..<g.items).map { "i\($0)" },
            users: g.train.map { Int32($0[0]) }, items: g.train.map { Int32($0[1]) },
            ratings: g.train.map { Float($0[2]) }, timestamps: g.train.map { $0[3] })
        let trainRows = Array(0..<set.count)
        var options = ModelOptions()
        options.itemDim = 4; options.hidden = [6]; options.dropout = 0
        options.itemIdEmbedding = 3; options.userEmbedding = 3
        options.modalityDropout = 0; options.itemIdDropout = 0; options.userIdDropout = 0
        options.rankingTowers = g.shared_towers ? .shared : .separate
        options.rankingDim = g.ranking_dim
        configure(&options)
        var rng = SeededGenerator(seed: 1)
        let audio = ProjectionEncoder(
            name: "audio", features: Tensor(shape: [g.items, g.feature_width], storage: g.features), present: g.present,
            outputDimension: 2, rng: &rng)
        var genres = TabularField(name: "genres", kind: .multiHot)
        genres.embedding = 2
        let column = { (_: String) -> [String?] in g.genres.map { $0.isEmpty ? nil : $0 } }
        let trainItems = Array(Set(trainRows.map { Int(set.items[$0]) })).sorted()
        let state = TabularState.fit(fields: [genres], column: column, fitRows: trainItems)
        let fields = TabularEncoder(name: "item_fields", state: state, entityCount: g.items, column: column, rng: &rng)
        let model = FusionModel(
            options: options, behavior: UserBehavior(set: set, trainRows: trainRows, maxItems: 100),
            globalMean: g.global_mean, itemEncoders: [audio, fields], isModality: [true, false], userEncoder: nil, seed: 1)
        for p in model.parameters where generatorValues {
            p.value = Tensor(shape: p.value.shape, storage: g.initial[p.name]!)
        }
        return model
    }

    /// Both ways of training the ranking objective: its own towers (the default) and shared ones.
    @Test(arguments: ["fusion_model.json", "fusion_model_shared.json"])
    func gradientsLossesAndTenStepsMatchPyTorch(golden: String) throws {
        let g: Golden = try Repository.golden("recommender/\(golden)")
        let model = Self.build(g)
        #expect(Set(model.parameters.map(\.name)) == Set(g.initial.keys), "every parameter is mirrored")
        let optimizer = Adam(parameters: model.parameters, learningRate: g.learning_rate)
        for (step, rows) in g.batches.enumerated() {
            optimizer.zeroGrad()
            var rng = SeededGenerator(seed: 0)
            model.prepareStep(for: step % 3 == 2 ? .ranking : .rating)
            if step % 3 == 2 {  // a ranking step (the generator's rule)
                let batch = Self.rankingBatch(g, g.ranking_batches[(step / 3) % 2])
                let loss = model.rankingStep(batch, historyKeep: 1, weight: g.ranking_weight, rng: &rng)
                let expected = g.steps[step].loss
                #expect(abs(Float(loss) * g.ranking_weight - expected) < 1e-4 * max(1, expected), "step \(step) ranking loss")
            } else {
                let users = rows.map { Int(g.train[$0][0]) }, items = rows.map { Int(g.train[$0][1]) }
                let y = rows.map { Float(g.train[$0][2]) }
                let p = model.forward(users: users, items: items, ratings: y, rng: &rng)
                let check = closeness(p, g.steps[step].predictions, absolute: 2e-5, relative: 1e-5)
                #expect(check.ok, "step \(step) predictions: \(check.detail)")
                var loss: Float = 0
                var grad = [Float](repeating: 0, count: p.count)
                for k in p.indices {
                    loss += (p[k] - y[k]) * (p[k] - y[k]) / Float(p.count)
                    grad[k] = 2 * (p[k] - y[k]) / Float(p.count)
                }
                #expect(abs(loss - g.steps[step].loss) < 1e-4 * max(1, g.steps[step].loss), "step \(step) loss")
                model.backward(grad)
            }
            model.regularizeTouchedRows(g.lambda)
            if step == 0 || step == 2 {
                let expected = step == 0 ? g.first_gradients : g.ranking_first_gradients
                for param in model.parameters {
                    let c = closeness(param.grad.storage, expected[param.name]!, absolute: 2e-5, relative: 1e-4)
                    #expect(c.ok, "step \(step) gradient of \(param.name): \(c.detail)")
                }
            }
            optimizer.step()
        }
        for param in model.parameters {
            let c = closeness(param.value.storage, g.final[param.name]!, absolute: 5e-5, relative: 1e-4)
            #expect(c.ok, "\(param.name) after 10 steps: \(c.detail)")
        }
    }

    /// The generator's ranking batch: each user's train items as targets (weight 1).
    static func rankingBatch(_ g: Golden, _ b: Golden.RankingBatch) -> FusionModel.RankingBatch {
        let targets = b.users.map { u in g.train.filter { Int($0[0]) == u }.map { Int($0[1]) } }
        let exact = b.log_q.allSatisfy { $0 == 0 } && b.candidates.count == g.items
        return FusionModel.RankingBatch(users: b.users, targets: Bags(targets), candidates: b.candidates,
                                        logQ: exact ? nil : b.log_q)
    }

    @Test func everyParameterChangesAfterOneStep() throws {
        let g: Golden = try Repository.golden("recommender/fusion_model.json")
        let model = Self.build(g)
        let before = model.parameters.map(\.value)
        let optimizer = Adam(parameters: model.parameters, learningRate: 0.01)
        let rows = Array(0..<g.train.count)  // every user and rated item, the missing-audio item included
        var rng = SeededGenerator(seed: 0)
        let p = model.forward(users: rows.map { Int(g.train[$0][0]) }, items: rows.map { Int(g.train[$0][1]) },
                              ratings: rows.map { Float(g.train[$0][2]) }, rng: &rng)
        model.backward(zip(p, rows).map { 2 * ($0 - Float(g.train[$1][2])) / Float(rows.count) })
        // ... and the ranking objective in the same step (it alone moves the ranking bias and scale).
        let users = Array(0..<g.users)
        let targets = users.map { u in g.train.filter { Int($0[0]) == u }.map { Int($0[1]) } }
        model.rankingStep(.init(users: users, targets: Bags(targets), candidates: Array(0..<g.items)),
                          historyKeep: 1, weight: 1, rng: &rng)
        optimizer.step()
        for (param, old) in zip(model.parameters, before) {
            #expect(param.value != old, "\(param.name) did not change")
        }
    }
}
