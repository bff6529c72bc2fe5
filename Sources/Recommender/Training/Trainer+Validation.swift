import Foundation
import TensorCore

extension Trainer {
    /// The validation split as early stopping sees it: rating errors of the clipped predictions
    /// (rating objective) and NDCG@10 of the model's ranking (ranking objective), with the same
    /// protocol as the evaluate stage.
    struct Validation {
        struct Result {
            var rmse = Double.nan, mae = Double.nan, loss = Double.nan, ndcg = Double.nan
        }

        let trainer: Trainer
        let rows: [Int]
        let truth: [Float]
        let normalizedTruth: [Float]
        let range: ClosedRange<Float>
        let evaluator: Evaluator

        init(trainer: Trainer) {
            self.trainer = trainer
            let set = trainer.set
            rows = trainer.split.rows(in: .valid)
            truth = rows.map { set.ratings[$0] }
            normalizedTruth = rows.map { trainer.normalizer.normalize(set.ratings[$0], user: Int(set.users[$0])) }
            let train = trainer.split.rows(in: .train).map { set.ratings[$0] }
            range = (train.min() ?? 0)...(train.max() ?? 0)
            var options = EvaluationOptions()
            options.k = [10]
            options.relevanceThreshold = trainer.relevanceThreshold.map(Double.init)
            var evaluator = Evaluator(set: set, split: trainer.split, part: .valid, options: options)
            evaluator.threads = trainer.threads
            self.evaluator = evaluator
        }

        func run() -> Result {
            guard !rows.isEmpty else { return Result() }
            var result = Result()
            let model = trainer.model, normalizer = trainer.normalizer
            let userVectors = model.userVectors(), itemVectors = model.itemVectors()
            let objectives = trainer.options.objectives
            if objectives.rating > 0 {
                let predictor = FusedPredictor(model: model, normalizer: normalizer, range: range,
                                               userVectors: userVectors, itemVectors: itemVectors)
                let valid = predictor.predict(users: rows.map { trainer.set.users[$0] }, items: rows.map { trainer.set.items[$0] })
                let normalized = zip(valid, rows).map { normalizer.normalize($0, user: Int(trainer.set.users[$1])) }
                let rmseNormalized = Metrics.rmse(normalized, normalizedTruth)
                result.rmse = Metrics.rmse(valid, truth)
                result.mae = Metrics.mae(valid, truth)
                result.loss = rmseNormalized * rmseNormalized
            }
            if objectives.ranking > 0 {
                let score: FusedRanker.Score = objectives.rating > 0
                    ? .combined(threshold: evaluator.threshold, sigma: Float(result.rmse)) : .retrieval
                let ranker = FusedRanker(model: model, normalizer: normalizer, score: score,
                                         userVectors: userVectors, itemVectors: itemVectors)
                let chunkRunner = trainer.group.flatMap { $0.size > 1 ? trainer.splitRanking($0) : nil }
                result.ndcg = evaluator.evaluate(predictor: nil, ranker: ranker, chunkRunner: chunkRunner)["all"]?["ndcg@10"] ?? .nan
            }
            return result
        }
    }
}

extension Trainer {
    /// The modalities to leave out for items without train ratings: every subset of the item
    /// modalities is tried on the validation rows whose item has no train rating, and the one with
    /// the lowest RMSE wins (on a tie, the one that leaves out fewer). Content that helps warm items
    /// can still hurt cold ones: words seen in one title learn that title's ratings, which says
    /// nothing about a new title. Needs the rating objective and at least `minimumRows` such rows;
    /// otherwise nothing is left out.
    public func selectColdItemContent(minimumRows: Int = 100) -> Set<String> {
        let rows = split.rows(in: .valid, bucket: .coldItem)
        let modalities = zip(model.itemEncoders, model.isModality).filter(\.1).map(\.0.name)
        guard options.objectives.rating > 0, rows.count >= minimumRows, !modalities.isEmpty else { return [] }
        let train = split.rows(in: .train).map { set.ratings[$0] }
        let range = (train.min() ?? 0)...(train.max() ?? 0)
        let users = rows.map { set.users[$0] }, items = rows.map { set.items[$0] }, truth = rows.map { set.ratings[$0] }
        let userVectors = model.userVectors()
        var best: (rmse: Double, masked: Set<String>) = (.infinity, [])
        for subset in 0..<(1 << modalities.count) {
            let masked = Set(modalities.indices.filter { subset & (1 << $0) != 0 }.map { modalities[$0] })
            model.coldItemMasked = masked
            let predictor = FusedPredictor(model: model, normalizer: normalizer, range: range, userVectors: userVectors,
                                           itemVectors: model.itemVectors())
            let rmse = Metrics.rmse(predictor.predict(users: users, items: items), truth)
            if rmse < best.rmse || rmse == best.rmse && masked.count < best.masked.count { best = (rmse, masked) }
        }
        model.coldItemMasked = best.masked
        return best.masked
    }
}
