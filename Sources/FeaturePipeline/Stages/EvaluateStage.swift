import Foundation
import Recommender

/// The evaluate stage: test metrics per bucket for the fused model and the baselines, the
/// modality ablation, and the training curve, in metrics.json.
extension PipelineRunner {

    func evaluateStage(_ inputs: [ArtifactStore.Record]) throws -> ArtifactStore.Record {
        var key = StageKey("evaluate")
        key.add("evaluate", spec.resolvedSection("evaluate"))
        key.add("seed", String(spec.seed))
        for (k, record) in inputs.enumerated() { key.add("input\(k)", record) }
        return try stage("evaluate", key: key.finalize(), notes: { try evaluateNotes() }) {
            let (model, description) = try folder.trainedModel(spec: spec)
            let set = try folder.ratings(), split = try folder.trainingSplit()
            let range = description.ratingRange[0]...description.ratingRange[1]
            var evaluator = Evaluator(set: set, split: split, part: .test, options: spec.evaluate)
            evaluator.threads = options.threads
            let fused = FusedPredictor(model: model, normalizer: description.normalizer, range: range)
            let scoring = description.scoring ?? RankingScoring(kind: .rating)
            let ranker = FusedRanker(model: model, normalizer: description.normalizer, score: scoring.score)
            let implicit = set.implicit  // no rating to predict: ranking metrics only
            // One step per model scored: the fused model, each baseline, each ablated modality.
            let ablated = spec.evaluate.ablation ? model.isModality.filter { $0 }.count : 0
            let task = progress.task("evaluate", total: 1 + spec.evaluate.baselines.count + ablated, unit: "models")
            defer { task.finish() }
            var test = ["fused": evaluator.evaluate(predictor: implicit ? nil : fused, ranker: spec.evaluate.ranking ? ranker : nil)]
            task.advance()
            test.merge(evaluateBaselines(evaluator, set: set, split: split, implicit: implicit, task: task)) { a, _ in a }
            let ablation = spec.evaluate.ablation
                ? ablationDeltas(model, description, evaluator, fused: test["fused"] ?? [:], implicit: implicit, task: task) : [:]
            let validEvaluator = Evaluator(set: set, split: split, part: .valid, options: spec.evaluate)
            let history = try folder.read(.trainSummary).history
            let document = MetricsDocument(
                test: test, valid: validEvaluator.evaluate(predictor: implicit ? nil : fused, ranker: nil), ablation: ablation,
                relevanceThreshold: Double(evaluator.threshold), epochs: history.epochs, bestEpoch: history.bestEpoch)
            let outputs = [try store.write(document, as: .evaluateMetrics)]
            return (outputs, try evaluateNotes())
        }
    }

    /// Each configured baseline's metrics, fitted on the train rows (rating baselines only when
    /// there are ratings, ranking ones only when ranking is evaluated).
    private func evaluateBaselines(_ evaluator: Evaluator, set: RatingSet, split: DataSplit, implicit: Bool,
                                   task: ProgressTask) -> [String: [String: [String: Double]]] {
        let view = TrainingView(set: set, rows: split.rows(in: .train))
        let ranking = spec.evaluate.ranking
        var tables: [String: [String: [String: Double]]] = [:]
        for baseline in spec.evaluate.baselines where baseline.predictsRatings ? !implicit : ranking {
            let predictor: (any RatingPredictor)?, ranker: any Ranker
            switch baseline {
            case .globalMean: (predictor, ranker) = pair(GlobalMeanBaseline(fit: view))
            case .bias: (predictor, ranker) = pair(BiasBaseline(fit: view))
            case .mf: (predictor, ranker) = pair(MatrixFactorization(fit: view, seed: spec.seed))
            case .popularity: (predictor, ranker) = (nil, PopularityBaseline(fit: view))
            case .itemKNN: (predictor, ranker) = (nil, ItemKNNBaseline(fit: view, threads: options.threads))
            case .ease:
                let fitted = TopNBaseline.fit(train: view, threads: options.threads)
                if let note = fitted.note { logger.warning("\(note)") }
                (predictor, ranker) = (nil, fitted.ranker)
            }
            tables[ranker.name] = evaluator.evaluate(predictor: predictor, ranker: ranking ? ranker : nil)
            task.advance()
        }
        return tables
    }

    /// Per modality: every metric with that modality masked, minus the fused model's.
    private func ablationDeltas(_ model: FusionModel, _ description: ModelDescription, _ evaluator: Evaluator,
                                fused: [String: [String: Double]], implicit: Bool,
                                task: ProgressTask) -> [String: [String: [String: Double]]] {
        let range = description.ratingRange[0]...description.ratingRange[1]
        let score = (description.scoring ?? RankingScoring(kind: .rating)).score
        var ablation: [String: [String: [String: Double]]] = [:]
        for (k, encoder) in model.itemEncoders.enumerated() where model.isModality[k] {
            let masked = FusedPredictor(model: model, normalizer: description.normalizer, range: range, masked: [encoder.name])
            let maskedRanker = FusedRanker(model: model, normalizer: description.normalizer, score: score, masked: [encoder.name])
            let table = evaluator.evaluate(predictor: implicit ? nil : masked, ranker: spec.evaluate.ranking ? maskedRanker : nil)
            task.advance()
            ablation[encoder.name] = table.reduce(into: [:]) { out, entry in
                out[entry.key] = entry.value.reduce(into: [:]) { d, m in
                    if m.key != "rows" && m.key != "ranked_users" { d[m.key] = m.value - (fused[entry.key]?[m.key] ?? 0) }
                }
            }
        }
        return ablation
    }

    func evaluateNotes() throws -> [String] {
        let d = try folder.read(.evaluateMetrics)
        let names = ["fused"] + d.test.keys.filter { $0 != "fused" }.sorted()
        let ndcg = "ndcg@\(spec.evaluate.k.first ?? 10)"
        return names.compactMap { name in
            guard let all = d.test[name]?["all"] else { return nil }
            let parts = [all["rmse"].map { "RMSE \(String(format: "%.4f", $0))" },
                         all[ndcg].map { "NDCG@\(spec.evaluate.k.first ?? 10) \(String(format: "%.4f", $0))" }].compactMap { $0 }
            return parts.isEmpty ? nil : "\(name) " + parts.joined(separator: ", ")
        }
    }
}

/// A baseline that both predicts and ranks, as the pair the evaluator takes.
private func pair(_ model: some RatingPredictor & Ranker) -> ((any RatingPredictor)?, any Ranker) { (model, model) }
