import Foundation
import NeuralNet
import Recommender
import TensorCore
import TextFeatures

/// The train and evaluate stages.
extension PipelineRunner {
    struct TrainSummary: Codable {
        var history: TrainingHistory
        var parameters: Int
    }

    func trainStage(_ inputs: [ArtifactStore.Record]) throws -> ArtifactStore.Record {
        var key = StageKey("train")
        for section in ["features", "users", "model", "train", "preprocess"] { key.add(section, spec.resolvedSection(section)) }
        key.add("seed", String(spec.seed))
        for (k, record) in inputs.enumerated() { key.add("input\(k)", record) }
        let stageKey = key.finalize()
        return try stage("train", key: stageKey, notes: { try trainNotes() }) {
            let checkpointDirectory = store.stageDirectory("train").appendingPathComponent("checkpoint")
            try FileSystemProblem.createFolder(checkpointDirectory.path)
            let assembly = try modelAssembly()
            var (model, description) = try assembly.build()
            let threshold = Evaluator.threshold(set: assembly.set, split: assembly.split, options: spec.evaluate)
            let trainOptions = try effectiveTrainOptions(implicit: assembly.set.implicit)
            let trainer = Trainer(model: model, normalizer: description.normalizer, set: assembly.set, split: assembly.split,
                                  options: trainOptions, seed: spec.seed, checkpoint: (checkpointDirectory, stageKey))
            trainer.relevanceThreshold = threshold
            trainer.threads = options.threads
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
            modelMemo = (model, description)
            let parameters = model.allParameters
            let outputs = [
                try store.write(Safetensors.encode(parameters.map { .init(name: $0.name, tensor: $0.value) },
                                                   metadata: ["format": ModelDescription.format]),
                                to: RunPath.trainModelWeights),
                try store.writeJSON(description, to: RunPath.trainModelDescription),
                try store.writeJSON(TrainSummary(history: history, parameters: parameters.reduce(0) { $0 + $1.value.count }),
                                    to: RunPath.trainSummary),
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
        let s = try store.readJSON(TrainSummary.self, from: RunPath.trainSummary)
        guard let best = s.history.epochs.first(where: { $0.epoch == s.history.bestEpoch }) else { return [] }
        let resumed = s.history.resumedFromEpoch > 0 ? ", resumed after epoch \(s.history.resumedFromEpoch)" : ""
        return ["\(s.history.epochs.count) epochs\(s.history.stoppedEarly ? " (stopped early)" : "")\(resumed)",
                "best epoch \(best.epoch): valid RMSE \(String(format: "%.4f", best.validRMSE))",
                "\(s.parameters) parameters"]
    }

    func modelAssembly() throws -> ModelAssembly {
        ModelAssembly(spec: spec, catalog: try catalog(), users: try usersTable(), set: try ratings(), split: try trainingSplit(),
                      features: spec.features.modalities.isEmpty ? nil : try features(),
                      extractStates: spec.features.modalities.isEmpty ? [:]
                          : ModalityStates.byModality(try readStates(RunPath.extractStates, ModalityStates.File.self).states, spec.features.modalities))
    }

    /// The split as training and evaluation use it: rows of skipped items set aside.
    func trainingSplit() throws -> DataSplit {
        try dataSplit().excluding(items: try skippedItems(), of: try ratings())
    }

    /// The trained model, rebuilt from the train stage's files when the stage was skipped.
    func trainedModel() throws -> (FusionModel, ModelDescription) {
        if let m = modelMemo { return m }
        let description = try readStates(RunPath.trainModelDescription, ModelDescription.self)
        let (model, _) = try modelAssembly().build(description)
        let file = try Safetensors.read(store.url(RunPath.trainModelWeights))
        for p in model.allParameters {
            guard let entry = file[p.name], entry.shape == p.value.shape else {
                throw PipelineError(what: "stages/train/model.safetensors lacks \(p.name) or its shape differs",
                                    hint: "run again with --force to retrain")
            }
            p.value = entry.tensor()
        }
        modelMemo = (model, description)
        return modelMemo!
    }

    /// A JSON file holding modality states, decoded with the spec's modality types.
    func readStates<T: Decodable>(_ path: String, _ type: T.Type) throws -> T {
        try StableJSON.decode(T.self, from: Data(contentsOf: store.url(path)), userInfo: [.modalities: spec.features.registry])
    }
}
