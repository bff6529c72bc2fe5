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
                result.ndcg = evaluator.evaluate(predictor: nil, ranker: ranker)["all"]?["ndcg@10"] ?? .nan
            }
            return result
        }
    }
}
