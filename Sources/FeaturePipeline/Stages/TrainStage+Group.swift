import Foundation
import NeuralNet
import Recommender

/// The train stage in a training group (`mpirun -np N pipeline run FILE`, docs/scale-out-training.md):
/// rank 0 sends the other ranks its key (`GroupInstruction.train`); they build the same trainer from
/// the run folder, train their part of every batch with it, and exit without writing
/// (`PipelineRunner.follow`).
extension PipelineRunner {
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
