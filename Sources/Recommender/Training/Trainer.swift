import Foundation
import NeuralNet
import TensorCore

/// Trains a `FusionModel`: shuffled mini-batches, Adam or SGD, a learning-rate schedule, early
/// stopping on validation RMSE/MAE with the best epoch's weights kept, and a checkpoint after every
/// epoch so a killed run resumes exactly where it stopped.
///
/// Determinism: epoch e shuffles with `SeededGenerator(seed, stream: "epoch-e")` and batch b of it
/// hides ids/modalities with stream "batch-e-b"; dropout masks depend on the batch counter, which
/// the checkpoint keeps. A resumed run therefore produces the same bytes as an uninterrupted one.
public final class Trainer {
    public let model: FusionModel
    public let normalizer: RatingNormalizer
    let set: RatingSet
    let split: DataSplit
    let options: TrainOptions
    let seed: UInt64
    let checkpoint: (directory: URL, key: String)?
    /// Ratings at or above this are relevant when validation ranks (nil: the evaluate stage's default).
    public var relevanceThreshold: Float?
    /// Threads for validation ranking (results do not depend on it).
    public var threads = 1
    /// The running average of the weights (train.weight_average).
    var average: WeightAverage?
    /// The processes training this model together (data parallelism, `Trainer+Group`); nil: this one alone.
    public var group: (any Collectives)?
    /// Whether this process writes the checkpoint (in a group, member 0 alone; all members read it to resume).
    public var writesCheckpoints = true
    /// Called after each epoch (for progress lines).
    public var onEpoch: ((EpochRecord, _ total: Int) -> Void)?

    public init(model: FusionModel, normalizer: RatingNormalizer, set: RatingSet, split: DataSplit,
                options: TrainOptions, seed: UInt64, checkpoint: (directory: URL, key: String)? = nil) {
        self.model = model
        self.normalizer = normalizer
        self.set = set
        self.split = split
        self.options = options
        self.seed = seed
        self.checkpoint = checkpoint
    }

    public func train() throws -> TrainingHistory {
        let plan = makePlan()
        average = makeWeightAverage(plan)
        let validation = Validation(trainer: self)
        var progress = try start(plan, validation)
        while progress.epoch < options.epochs && !(options.patience > 0 && progress.badEpochs >= options.patience) {
            let (record, valid) = trainEpoch(progress.epoch, plan, validation)
            progress.history.epochs.append(record)
            keepIfBest(stoppingValue(valid, trainLoss: record.trainLoss), &progress, plan.parameters)
            progress.epoch += 1
            if checkpoint != nil, let adam = plan.optimizer as? Adam, let group = plan.exchange?.group {
                adam.gatherOwnedMoments(in: group)  // every member: the checkpoint holds the whole state
            }
            try save(progress, parameters: plan.parameters, optimizer: plan.optimizer)
            onEpoch?(record, options.epochs)
        }
        for p in plan.parameters {  // none stays idle or owned in part after training
            p.isIdle = false
            p.rowOwners = nil
        }
        progress.history.stoppedEarly = progress.epoch < options.epochs
        for (p, v) in zip(plan.parameters, progress.bestValues) { p.value = v }
        return progress.history
    }

    /// Where training stands: the history so far, epochs done, and early stopping's state (the best
    /// stopping value, the weights that reached it, the epochs since it last improved enough).
    struct Progress {
        var history = TrainingHistory()
        var best = Double.infinity
        var bestValues: [Tensor]
        var badEpochs = 0
        var epoch = 0
    }

    /// Resumes from the checkpoint, or else validates the starting point as epoch 0.
    private func start(_ plan: Plan, _ validation: Validation) throws -> Progress {
        let parameters = plan.parameters
        var progress = Progress(bestValues: parameters.map(\.value))
        if let resumed = try resume(parameters: parameters, optimizer: plan.optimizer) {
            (progress.history, progress.best, progress.badEpochs, progress.epoch) = resumed
            progress.bestValues = try loadBest(parameters) ?? parameters.map(\.value)
            progress.history.resumedFromEpoch = progress.epoch
        } else {
            // Epoch 0: the starting point competes too, so a warm start is never made worse.
            let initial = validation.run()
            progress.history.initialValidRMSE = initial.rmse
            progress.history.initialValidMAE = initial.mae
            let metric = stoppingValue(initial, trainLoss: .nan)
            if metric.isFinite { progress.best = metric }
        }
        try agreeOnStart(progress.epoch)  // and no member writes before all have read the checkpoint
        if progress.epoch == 0 { try saveInitialBest(parameters) }
        return progress
    }

    /// Early stopping after the epoch `progress.epoch` (from 0) whose stopping value is `metric`.
    private func keepIfBest(_ metric: Double, _ progress: inout Progress, _ parameters: [Parameter]) {
        let best = progress.best
        if metric < best || !metric.isFinite && best == .infinity {
            // Any gain keeps this epoch's weights; only a gain of 0.1 % resets the patience, so
            // a metric creeping up by hundredths of a percent does not train on for many epochs.
            progress.badEpochs = metric.isFinite && best.isFinite && best - metric < 1e-3 * stoppingScale(best)
                ? progress.badEpochs + 1 : 0
            progress.best = metric.isFinite ? metric : best
            progress.bestValues = averaged(parameters) { parameters.map(\.value) }
            progress.history.bestEpoch = progress.epoch + 1
        } else {
            progress.badEpochs += 1
        }
    }

    /// `body` run with the averaged weights in place when averaging is on.
    func averaged<T>(_ parameters: [Parameter], _ body: () throws -> T) rethrows -> T {
        guard let average else { return try body() }
        average.swap(with: parameters)
        defer { average.swap(with: parameters) }
        return try body()
    }

    /// The size against which a gain in the stopping value is relative: the value itself, except
    /// for the combined value, which is already a sum of logarithms (relative by construction).
    func stoppingScale(_ value: Double) -> Double {
        options.stoppingMetric == .auto && options.objectives.rating > 0 && options.objectives.ranking > 0 ? 1 : abs(value)
    }

    /// The value early stopping minimises (see `TrainOptions.StoppingMetric`).
    func stoppingValue(_ v: Validation.Result, trainLoss: Double) -> Double {
        let ratingWeight = options.objectives.rating, rankingWeight = options.objectives.ranking
        switch options.stoppingMetric {
        case .rmse: return v.rmse
        case .mae: return v.mae
        case .loss: return trainLoss
        case .ndcg: return -v.ndcg
        case .auto:
            if rankingWeight <= 0 { return v.rmse }
            if ratingWeight <= 0 { return -v.ndcg }
            return (ratingWeight * Foundation.log(v.rmse) - rankingWeight * Foundation.log(max(v.ndcg, 1e-9)))
                / (ratingWeight + rankingWeight)
        }
    }

    // MARK: Checkpoints

    /// history.json holds NaN for metrics an objective does not produce.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]  // same history, same bytes, whatever the process
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()

    /// Writes the checkpoint files; key.txt is emptied first and written last, so a kill in
    /// between leaves a checkpoint that does not count (training then restarts, deterministically).
    private func save(_ progress: Progress, parameters: [Parameter], optimizer: any Optimizer) throws {
        guard let checkpoint, writesCheckpoints else { return }
        try AtomicFile.write(Data(), to: checkpoint.directory.appendingPathComponent("key.txt"))
        if progress.history.bestEpoch == progress.epoch {  // this epoch improved
            try averaged(parameters) {
                try Checkpoint.save(to: checkpoint.directory.appendingPathComponent("best.safetensors"), parameters: parameters)
            }
        }
        try AtomicFile.write(try Self.encoder.encode(progress.history), to: checkpoint.directory.appendingPathComponent("history.json"))
        try Checkpoint.save(
            to: checkpoint.directory.appendingPathComponent("last.safetensors"),
            parameters: parameters + (average?.averages ?? []), optimizer: optimizer,
            extras: .init(counters: ["epoch": progress.epoch, "bad_epochs": progress.badEpochs, "dropout_batches": model.dropoutBatches,
                                     "average_steps": average?.steps ?? 0],
                          values: ["best": progress.best]))
        // The key is written last: a checkpoint counts only once all its files are in place.
        try AtomicFile.write(checkpoint.key, to: checkpoint.directory.appendingPathComponent("key.txt"))
    }

    /// Until an epoch beats it, the starting point is the best checkpoint.
    private func saveInitialBest(_ parameters: [Parameter]) throws {
        guard let checkpoint, writesCheckpoints else { return }
        try AtomicFile.write(Data(), to: checkpoint.directory.appendingPathComponent("key.txt"))
        try Checkpoint.save(to: checkpoint.directory.appendingPathComponent("best.safetensors"), parameters: parameters)
    }

    private func loadBest(_ parameters: [Parameter]) throws -> [Tensor]? {
        guard let checkpoint else { return nil }
        let current = parameters.map(\.value)
        _ = try Checkpoint.load(from: checkpoint.directory.appendingPathComponent("best.safetensors"), parameters: parameters)
        let best = parameters.map(\.value)
        for (p, v) in zip(parameters, current) { p.value = v }
        return best
    }

    private func resume(parameters: [Parameter], optimizer: any Optimizer) throws
        -> (TrainingHistory, Double, Int, Int)?
    {
        guard let checkpoint,
            let key = try? String(contentsOf: checkpoint.directory.appendingPathComponent("key.txt"), encoding: .utf8),
            key == checkpoint.key,
            let data = try? Data(contentsOf: checkpoint.directory.appendingPathComponent("history.json")),
            let history = try? Self.decoder.decode(TrainingHistory.self, from: data)
        else { return nil }
        let extras = try Checkpoint.load(from: checkpoint.directory.appendingPathComponent("last.safetensors"),
                                         parameters: parameters + (average?.averages ?? []), optimizer: optimizer)
        model.dropoutBatches = extras.counters["dropout_batches"] ?? 0
        average?.restore(steps: extras.counters["average_steps"] ?? 0)
        return (history, extras.values["best"] ?? .infinity, extras.counters["bad_epochs"] ?? 0, extras.counters["epoch"] ?? 0)
    }
}
