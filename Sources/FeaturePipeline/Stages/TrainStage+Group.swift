import Foundation
import NeuralNet
import Recommender

/// The train stage in a training group (`mpirun -np N pipeline run FILE`, docs/scale-out-training.md).
///
/// Rank 0 runs the pipeline as one process does and alone writes the run folder. The other ranks
/// wait (asleep) until rank 0 reaches the train stage and sends its key, build the same trainer
/// from the run folder, train their part of every batch with it, and exit without writing. An
/// empty key (the stage was up to date, or there was nothing to train) lets them exit at once.
extension PipelineRunner {
    /// Rank 0: tells the other ranks to train with checkpoint key `key` (once per run).
    func announceTraining(key: String) {
        guard let group, group.size > 1, !followersReleased else { return }
        followersReleased = true
        _ = group.broadcast(Array(key.utf8), from: 0)
    }

    /// Rank 0: lets the other ranks go when no training is announced (the stage was skipped).
    func releaseFollowers() {
        announceTraining(key: "")
    }

    /// Ranks other than 0: waits for rank 0's train stage, then trains with it. Writes nothing.
    public func followTraining() throws {
        guard let group, group.size > 1 else { return }
        let key = String(decoding: group.broadcast([], from: 0), as: UTF8.self)
        guard !key.isEmpty else { return }
        let (trainer, _, _, _) = try makeTrainer(key: key)
        trainer.writesCheckpoints = false
        _ = try trainer.train()
    }

    /// The trainer of the train stage with checkpoint key `key`, with the model description, the
    /// options it trains with and the relevance threshold of validation (the same on every rank).
    func makeTrainer(key: String) throws -> (Trainer, ModelDescription, TrainOptions, Float) {
        let assembly = try folder.modelAssembly(spec: spec)
        let (model, description) = try assembly.build()
        let threshold = Evaluator.threshold(set: assembly.set, split: assembly.split, options: spec.evaluate)
        let trainOptions = try effectiveTrainOptions(implicit: assembly.set.implicit)
        let trainer = Trainer(model: model, normalizer: description.normalizer, set: assembly.set, split: assembly.split,
                              options: trainOptions, seed: spec.seed,
                              checkpoint: (store.url(RunFolder.Path.trainCheckpoint), key))
        trainer.relevanceThreshold = threshold
        trainer.threads = options.threads
        trainer.group = group
        return (trainer, description, trainOptions, threshold)
    }
}
