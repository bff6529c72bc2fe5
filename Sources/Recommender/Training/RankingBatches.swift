import Foundation
import NeuralNet
import TensorCore

/// Batches of the ranking objective: users with train interactions, each with every item they
/// interacted with in train as a target, and the candidate items the softmax runs over.
///
/// Candidates are every item while the catalog has at most `negatives` items (the exact softmax).
/// Above that, a batch's candidates are its own target items plus `negatives` items drawn
/// uniformly without replacement, and each candidate's logit is corrected by −log q_j, where
/// q_j = 1 − (1 − π_j)(1 − M/N) is the chance that item j is a candidate of a random batch:
/// π_j = 1 − (1 − f_j)^B is the chance that one of B users has j as a target (f_j: the share of
/// users with j in train), M/N the chance it is drawn. The corrected sampled softmax estimates the
/// full one (Yi et al., "Sampling-bias-corrected neural modeling", RecSys 2019).
public struct RankingBatches: Sendable {
    /// Users with at least one train interaction, in index order.
    public let users: [Int]
    /// Per user (indexed like the model's users): train items and their target weights.
    let targets: [[Int]]
    let weights: [[Float]]
    let itemCount: Int
    let negatives: Int
    let batchSize: Int
    /// log q_j per item (sampled mode only).
    let logInclusion: [Float]

    /// `weight(rating)` gives a train interaction's target weight.
    public init(set: RatingSet, trainRows: [Int], batchSize: Int, negatives: Int, weight: (Float) -> Float = { _ in 1 }) {
        var targets = [[Int]](repeating: [], count: set.userCount)
        var weights = [[Float]](repeating: [], count: set.userCount)
        for r in trainRows {
            let u = Int(set.users[r])
            targets[u].append(Int(set.items[r]))
            weights[u].append(weight(set.ratings[r]))
        }
        self.targets = targets
        self.weights = weights
        users = targets.indices.filter { !targets[$0].isEmpty }
        itemCount = set.itemCount
        self.negatives = negatives
        self.batchSize = max(1, batchSize)
        if set.itemCount > negatives {
            var holders = [Int](repeating: 0, count: set.itemCount)
            for u in users { for i in Set(targets[u]) { holders[i] += 1 } }
            let share = Double(min(negatives, set.itemCount)) / Double(set.itemCount)
            let b = Double(min(batchSize, users.count)), n = Double(max(users.count, 1))
            logInclusion = holders.map { h in
                let inBatch = 1 - Foundation.pow(1 - Double(h) / n, b)
                return Float(Foundation.log(1 - (1 - inBatch) * (1 - share)))
            }
        } else {
            logInclusion = []
        }
    }

    public var exact: Bool { itemCount <= negatives }
    public var batchesPerPass: Int { (users.count + batchSize - 1) / batchSize }

    /// The batches of one pass over the users, shuffled by `rng`.
    public func pass(rng: inout SeededGenerator) -> [FusionModel.RankingBatch] {
        var draws = draws(rng: rng)
        let pass = (0..<batchesPerPass).map { _ in draws.nextBatch() }
        rng = draws.rng
        return pass
    }

    /// Passes after passes drawn from `rng`, one batch at a time: the batches `pass` gives, in
    /// order, built only when a step needs one (an epoch's batches held at once took gigabytes).
    public func draws(rng: SeededGenerator) -> Draws { Draws(batches: self, rng: rng) }

    public struct Draws: Sendable {
        let batches: RankingBatches
        var rng: SeededGenerator
        /// The current pass's users and the position of the next batch in it.
        var order: [Int] = [], next = 0

        /// The next batch; the first of a new pass when this one is used up.
        public mutating func nextBatch() -> FusionModel.RankingBatch {
            if next >= order.count {
                order = batches.users
                rng.shuffle(&order)
                next = 0
            }
            let start = next
            next = min(order.count, start + batches.batchSize)
            return batches.batch(of: Array(order[start..<next]), rng: &rng)
        }
    }

    /// The batch of `batchUsers`: their targets, and the candidates (negatives drawn from `rng`).
    private func batch(of batchUsers: [Int], rng: inout SeededGenerator) -> FusionModel.RankingBatch {
        let bags = Bags(batchUsers.map { targets[$0] }, weights: batchUsers.map { weights[$0] })
        guard !exact else { return .init(users: batchUsers, targets: bags, candidates: Array(0..<itemCount)) }
        var chosen = Set(bags.indices)
        var candidates = chosen.sorted()
        var drawn = 0
        // Rejection sampling is cheap while the sample is a small share of the catalog.
        while drawn < negatives && chosen.count < itemCount {
            let j = rng.nextInt(below: itemCount)
            if chosen.insert(j).inserted { candidates.append(j); drawn += 1 }
        }
        return .init(users: batchUsers, targets: bags, candidates: candidates, logQ: candidates.map { logInclusion[$0] })
    }
}
