import Foundation
import NeuralNet
import Recommender
import TensorCore

/// The train stage.
extension PipelineRunner {
    func trainStage(_ inputs: [ArtifactStore.Record]) throws -> ArtifactStore.Record {
        var key = StageKey("train")
        for section in ["features", "users", "model", "train", "preprocess"] { key.add(section, spec.resolvedSection(section)) }
        key.add("seed", String(spec.seed))
        for (k, record) in inputs.enumerated() { key.add("input\(k)", record) }
        let stageKey = key.finalize()
        return try stage("train", key: stageKey, notes: { try trainNotes() }) {
            try FileSystemProblem.createFolder(store.url(RunFolder.Path.trainCheckpoint).path)
            tell(.train(key: stageKey))
            let (trainer, built, trainOptions, threshold) = try makeTrainer(key: stageKey)
            var description = built
            let model = trainer.model
            let task = progress.task("train", total: spec.train.epochs, unit: "epochs")
            trainer.onEpoch = { record, _ in
                task.advance()
                self.logger.debug("epoch \(record.epoch): train loss \(record.trainLoss), valid rmse \(record.validRMSE)")
            }
            var history = try trainer.train()
            history.coldItemMasked = trainer.selectColdItemContent().sorted()
            if let masked = history.coldItemMasked, !masked.isEmpty {
                logger.info("cold items: leaving out \(masked.joined(separator: ", ")) (validation RMSE of items without train ratings is lower without)")
            }
            description.coldItemMasked = history.coldItemMasked
            task.finish("best epoch \(history.bestEpoch)")
            let bestRMSE = history.epochs.first { $0.epoch == history.bestEpoch }?.validRMSE ?? history.initialValidRMSE
            description.scoring = RankingScoring(objectives: trainOptions.objectives, threshold: threshold, validRMSE: bestRMSE)
            folder.keep(model, description)
            let parameters = model.allParameters
            let outputs = [
                try store.write(Safetensors.encode(parameters.map { .init(name: $0.name, tensor: $0.value) },
                                                   metadata: ["format": ModelDescription.format]),
                                to: RunFolder.Path.trainModelWeights),
                try store.write(description, as: .trainModelDescription),
                try store.write(TrainSummary(history: history, parameters: parameters.reduce(0) { $0 + $1.value.count }),
                                as: .trainSummary),
            ]
            return (outputs, try trainNotes())
        }
    }

    /// `spec.train`, with the rating objective off for implicit feedback (there is no rating).
    func effectiveTrainOptions(implicit: Bool) throws -> TrainOptions {
        var options = spec.train
        if implicit { options.objectives.rating = 0 }
        guard options.objectives.rating > 0 || options.objectives.ranking > 0 else {
            throw PipelineError(
                what: implicit ? "the interactions are implicit feedback (no rating column) and train.objectives.ranking is 0: nothing to train"
                    : "train.objectives gives both objectives weight 0: nothing to train",
                hint: "set train.objectives.ranking above 0 (default 1)")
        }
        return options
    }

    func trainNotes() throws -> [String] {
        let s = try folder.read(.trainSummary)
        guard let best = s.history.epochs.first(where: { $0.epoch == s.history.bestEpoch }) else { return [] }
        let resumed = s.history.resumedFromEpoch > 0 ? ", resumed after epoch \(s.history.resumedFromEpoch)" : ""
        return ["\(s.history.epochs.count) epochs\(s.history.stoppedEarly ? " (stopped early)" : "")\(resumed)",
                "best epoch \(best.epoch): valid RMSE \(String(format: "%.4f", best.validRMSE))",
                "\(s.parameters) parameters"]
    }
}
