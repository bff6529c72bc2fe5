import NeuralNet
import Recommender
import TensorCore
import TestSupport
import Testing

/// A ranking step split by candidates among a training group's members (threads here, ranks
/// under mpirun): the members' gradients and losses must add up to the whole batch's in one
/// process, with every mask (modalities, ids, history items) drawn as the whole batch draws them.
@Suite struct SplitRankingTests {
    /// Every item a candidate; then the golden sampled batch (5 of 7 candidates with their log q,
    /// 2 users: with 3 members one has no user of its own but still its candidates).
    @Test(arguments: [2, 3], [false, true])
    func membersGradientsSumToTheWholeBatchs(members: Int, sampled: Bool) throws {
        let (whole, g) = try BatchPartTests.model()
        let batch = sampled ? FusionModelParityTests.rankingBatch(g, g.ranking_batches[1]) : Self.batch(g)
        whole.prepareStep(for: .ranking)
        var rng = SeededGenerator(seed: 4)
        let wholeLoss = whole.rankingStep(batch, historyKeep: 0.5, weight: 0.7, rng: &rng)
        let expected = BatchPartTests.gradients(whole)

        let history = whole.parameters.first { $0.name == "user.history.weight" }!
        let (historyRows, width) = (history.value.shape[0], history.rowWidth)
        let parts = ThreadGroup(size: members).run { member -> (Double, [String: [Float]], Set<String>) in
            let model = (try? BatchPartTests.model().0)!
            // Each member writes only the rows of the history table it owns (the others stay zero).
            model.parameters.first { $0.name == "user.history.weight" }!.rowOwners =
                RowOwners(rows: historyRows, members: member.size, rank: member.rank)
            model.prepareStep(for: .ranking)
            var rng = SeededGenerator(seed: 4)
            let loss = model.rankingStep(batch, splitAmong: member, historyKeep: 0.5, weight: 0.7, rng: &rng)
            return (loss, BatchPartTests.gradients(model), Set(model.parameters.filter(\.isSummedInGroup).map(\.name)))
        }
        let loss = parts.reduce(0) { $0 + $1.0 }
        #expect(abs(loss - wholeLoss) < 1e-5 * max(1, abs(wholeLoss)), "loss \(loss) of \(members) members (sampled: \(sampled)), \(wholeLoss) of the whole batch")
        // The user side's gradients are the whole batch's on every member (the exchange leaves
        // them out); the others add up to the whole batch's across the members.
        let summed = parts[0].2
        #expect(summed.contains("ranking.user.tower.weight") && summed.contains("user.history.weight") && !summed.contains("ranking.item.tower.weight"),
                "\(summed)")
        for (name, wholeGradient) in expected {
            let gradients = parts.map { $0.1[name]! }
            if summed.contains(name) {
                for (member, gradient) in gradients.enumerated() {
                    #expect(parts[member].2 == summed)
                    var wholeGradient = wholeGradient
                    if name == "user.history.weight" {
                        let owned = RowOwners(rows: historyRows, members: members, rank: member).owned
                        for k in wholeGradient.indices where !owned.contains(k / width) { wholeGradient[k] = 0 }
                    }
                    let check = closeness(gradient, wholeGradient, absolute: 1e-5, relative: 1e-4)
                    #expect(check.ok, "member \(member) of \(members) (sampled: \(sampled)), gradient of \(name): \(check.detail)")
                }
                continue
            }
            let sum = gradients.reduce([Float](repeating: 0, count: wholeGradient.count)) { zip($0, $1).map(+) }
            let check = closeness(sum, wholeGradient, absolute: 1e-5, relative: 1e-4)
            #expect(check.ok, "\(members) members (sampled: \(sampled)), gradient of \(name): \(check.detail)")
        }
        // The split is real: a member's own gradient of the item tower is not the whole batch's.
        let tower = parts[0].1["ranking.item.tower.weight"]!, wholeTower = expected["ranking.item.tower.weight"]!
        #expect(!closeness(tower, wholeTower, absolute: 1e-5, relative: 1e-4).ok)
    }

    /// The ranking step keeps its (users × candidates) matrices from step to step: after steps of
    /// other shapes (every candidate, then the sampled 5, then every candidate again) a model's
    /// gradients are the bits of a fresh model's, in one process and split among members.
    @Test(arguments: [1, 2])
    func aReusedWorkspaceGivesAFreshModelsGradients(members: Int) throws {
        let (_, g) = try BatchPartTests.model()
        let batches = [Self.batch(g), FusionModelParityTests.rankingBatch(g, g.ranking_batches[1]), Self.batch(g)]
        let results = ThreadGroup(size: members).run { member -> [Bool] in
            let reused = (try? BatchPartTests.model().0)!
            reused.prepareStep(for: .ranking)
            return batches.indices.map { k in
                let fresh = (try? BatchPartTests.model().0)!
                fresh.prepareStep(for: .ranking)
                for model in [reused, fresh] {
                    for p in model.parameters { p.zeroGrad() }
                    var rng = SeededGenerator(seed: UInt64(9 + k))
                    if members == 1 {
                        model.rankingStep(batches[k], historyKeep: 0.5, weight: 0.7, rng: &rng)
                    } else {
                        model.rankingStep(batches[k], splitAmong: member, historyKeep: 0.5, weight: 0.7, rng: &rng)
                    }
                }
                return BatchPartTests.gradients(reused) == BatchPartTests.gradients(fresh)
            }
        }
        for (member, sameBits) in results.enumerated() {
            #expect(sameBits == [true, true, true], "member \(member) of \(members): steps with the same gradients as a fresh model")
        }
    }

    /// Every user with their train items as targets, every item a candidate.
    static func batch(_ g: FusionModelParityTests.Golden) -> FusionModel.RankingBatch {
        let users = Array(0..<g.users)
        let targets = users.map { u in g.train.filter { Int($0[0]) == u }.map { Int($0[1]) } }
        return FusionModel.RankingBatch(users: users, targets: Bags(targets), candidates: Array(0..<g.items))
    }
}
