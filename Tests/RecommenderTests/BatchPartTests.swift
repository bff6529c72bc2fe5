import NeuralNet
import Recommender
import TensorCore
import TestSupport
import Testing

/// A batch cut into parts, as the members of a data-parallel group cut it: each part is masked as
/// the whole batch is (ids, modalities, history items, the head's dropout), so the parts' outputs
/// are the whole batch's rows and their gradients add up to the whole batch's.
@Suite struct BatchPartTests {
    static let parts = [0..<5, 5..<11, 11..<15]

    /// The parity test's model with every dropout at 0.5 (user ids 0.3, or every user is cold).
    static func model() throws -> (FusionModel, FusionModelParityTests.Golden) {
        let g: FusionModelParityTests.Golden = try Repository.golden("recommender/fusion_model.json")
        let model = FusionModelParityTests.build(g) { options in
            options.dropout = 0.5; options.modalityDropout = 0.5; options.itemIdDropout = 0.5; options.userIdDropout = 0.3
        }
        return (model, g)
    }

    static func gradients(_ model: FusionModel) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.grad.storage) })
    }

    @Test func ratingBatchPartsPredictAndSumAsTheWholeBatch() throws {
        let (model, g) = try Self.model()
        #expect(g.train.count == 15, "the parts cover the golden train rows")
        let users = g.train.map { Int($0[0]) }, items = g.train.map { Int($0[1]) }, ratings = g.train.map { Float($0[2]) }
        let gradient = (0..<users.count).map { Float($0 % 4) - 1.5 }
        var rng = SeededGenerator(seed: 3)
        let whole = model.forward(users: users, items: items, ratings: ratings, rng: &rng)
        model.backward(gradient)
        let expected = Self.gradients(model)
        for p in model.parameters { p.zeroGrad() }
        for part in Self.parts {
            model.dropoutBatches = 0
            var rng = SeededGenerator(seed: 3)
            let predictions = model.forward(users: users, items: items, ratings: ratings, rows: part, rng: &rng)
            let check = closeness(predictions, Array(whole[part]), absolute: 1e-5, relative: 1e-5)
            #expect(check.ok, "rows \(part): \(check.detail)")
            model.backward(Array(gradient[part]))
        }
        for (name, sum) in Self.gradients(model) {
            let check = closeness(sum, expected[name]!, absolute: 1e-5, relative: 1e-4)
            #expect(check.ok, "gradient of \(name): \(check.detail)")
        }
    }

    @Test func rankingBatchPartsSumAsTheWholeBatch() throws {
        let (model, g) = try Self.model()
        let users = Array(0..<g.users)
        let targets = users.map { u in g.train.filter { Int($0[0]) == u }.map { Int($0[1]) } }
        let batch = FusionModel.RankingBatch(users: users, targets: Bags(targets), candidates: Array(0..<g.items))
        model.prepareStep(for: .ranking)
        var rng = SeededGenerator(seed: 4)
        let whole = model.rankingStep(batch, historyKeep: 0.5, weight: 1, rng: &rng)
        let expected = Self.gradients(model)
        for p in model.parameters { p.zeroGrad() }
        var loss = 0.0
        for part in [0..<2, 2..<3, 3..<5] {
            let share = Double(part.count) / Double(users.count)
            var rng = SeededGenerator(seed: 4)
            loss += share * model.rankingStep(batch, users: part, historyKeep: 0.5, weight: Float(share), rng: &rng)
        }
        #expect(abs(loss - whole) < 1e-5 * max(1, abs(whole)), "loss \(loss) of the parts, \(whole) of the whole batch")
        for (name, sum) in Self.gradients(model) {
            let check = closeness(sum, expected[name]!, absolute: 1e-5, relative: 1e-4)
            #expect(check.ok, "gradient of \(name): \(check.detail)")
        }
    }
}
