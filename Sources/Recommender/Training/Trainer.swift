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
        let parameters = model.parameters
        let optimizer: any Optimizer = options.optimizer == .adam
            ? Adam(parameters: parameters, learningRate: Float(options.learningRate))
            : SGD(parameters: parameters, learningRate: Float(options.learningRate), momentum: Float(options.momentum))
        let dense = parameters.filter { !$0.isRowSparse }
        let trainRows = split.rows(in: .train)
        let targets = trainRows.map { normalizer.normalize(set.ratings[$0], user: Int(set.users[$0])) }
        let schedule: LearningRateSchedule = switch options.schedule {
        case .constant: .constant
        case .step: .stepDecay(every: options.stepEvery, factor: options.gamma)
        case .exponential: .exponential(factor: options.gamma)
        case .cosine: .cosine(steps: options.epochs, minimum: 0)
        }
        let ratingWeight = Float(options.objectives.rating), rankingWeight = Float(options.objectives.ranking)
        let ranking = rankingWeight > 0
            ? RankingBatches(set: set, trainRows: trainRows, batchSize: options.ranking.batchSize, negatives: options.ranking.negatives)
            : nil
        let validation = Validation(trainer: self)
        // Batches per epoch: rating batches of the train rows, and `ratio` ranking batches per rating
        // batch (counted even when the rating objective is off), at least one pass over the users.
        let ratingSteps = (trainRows.count + options.batchSize - 1) / options.batchSize
        let rankingSteps = ranking.map { max($0.batchesPerPass, Int((options.ranking.ratio * Double(ratingSteps)).rounded())) } ?? 0
        let stepsPerEpoch = (ratingWeight > 0 ? ratingSteps : 0) + rankingSteps
        let decay = min(options.weightAverage, 1 - 2 / Double(max(stepsPerEpoch, 4)))
        average = options.weightAverage > 0 && decay > 0 ? WeightAverage(parameters: parameters, decay: Float(decay)) : nil

        var history = TrainingHistory()
        var best = Double.infinity
        var bestValues: [Tensor] = parameters.map(\.value)
        var badEpochs = 0
        var startEpoch = 0
        if let resumed = try resume(parameters: parameters, optimizer: optimizer) {
            (history, best, badEpochs, startEpoch) = resumed
            bestValues = try loadBest(parameters) ?? parameters.map(\.value)
            history.resumedFromEpoch = startEpoch
        } else {
            // Epoch 0: the starting point competes too, so a warm start is never made worse.
            let initial = validation.run()
            history.initialValidRMSE = initial.rmse
            history.initialValidMAE = initial.mae
            let metric = stoppingValue(initial, trainLoss: .nan)
            if metric.isFinite { best = metric }
        }

        if startEpoch == 0 { try saveInitialBest(parameters) }
        var epoch = startEpoch
        while epoch < options.epochs && !(options.patience > 0 && badEpochs >= options.patience) {
            let started = Date()
            optimizer.learningRate = schedule.rate(base: Float(options.learningRate), at: epoch)
            var order = Array(0..<trainRows.count)
            var shuffler = SeededGenerator(seed: seed, stream: "epoch-\(epoch)")
            shuffler.shuffle(&order)
            let ratingBatches = ratingWeight > 0 ? stride(from: 0, to: order.count, by: options.batchSize).map { $0 } : []
            var rankingBatches: [FusionModel.RankingBatch] = []
            if let ranking {
                var sampler = SeededGenerator(seed: seed, stream: "ranking-\(epoch)")
                while rankingBatches.count < rankingSteps { rankingBatches += ranking.pass(rng: &sampler) }
                rankingBatches.removeLast(rankingBatches.count - rankingSteps)
            }
            var lossSum = 0.0, squaredError = 0.0, rankingLoss = 0.0
            let steps = ratingBatches.count + rankingBatches.count
            var (nextRating, nextRanking) = (0, 0)
            for step in 0..<steps {
                optimizer.zeroGrad()
                var rng = SeededGenerator(seed: seed, stream: "batch-\(epoch)-\(step)")
                // Ranking batches are spread evenly among the rating batches.
                if nextRanking < rankingBatches.count && (step + 1) * rankingBatches.count / steps > nextRanking {
                    model.prepareStep(for: .ranking)
                    rankingLoss += model.rankingStep(rankingBatches[nextRanking], historyKeep: Float(1 - options.ranking.historyDropout),
                                                     weight: rankingWeight, rng: &rng)
                    nextRanking += 1
                } else {
                    model.prepareStep(for: .rating)
                    let start = ratingBatches[nextRating]
                    nextRating += 1
                    let batch = order[start..<min(order.count, start + options.batchSize)]
                    let rows = batch.map { trainRows[$0] }
                    let users = rows.map { Int(set.users[$0]) }, items = rows.map { Int(set.items[$0]) }
                    let predictions = model.forward(users: users, items: items, ratings: rows.map { set.ratings[$0] }, rng: &rng)
                    var gradient = [Float](repeating: 0, count: rows.count)
                    let scale = 2 * ratingWeight / Float(rows.count)
                    for k in 0..<rows.count {
                        let e = predictions[k] - targets[batch[batch.startIndex + k]]
                        gradient[k] = scale * e
                        lossSum += Double(e * e)
                        let r = normalizer.denormalize(predictions[k], user: users[k]) - set.ratings[rows[k]]
                        squaredError += Double(r * r)
                    }
                    model.backward(gradient)
                }
                model.regularizeTouchedRows(Float(options.embeddingRegularization))
                if options.weightDecay > 0 {
                    for p in dense { p.grad.addScaled(p.value, by: Float(options.weightDecay)) }
                }
                if options.clipNorm > 0 { _ = clipGradientNorm(parameters, maxNorm: Float(options.clipNorm)) }
                optimizer.step()
                average?.update(parameters)
                FaultInjection.pause()
            }
            let valid = averaged(parameters) { validation.run() }
            let rows = Double(max(ratingBatches.isEmpty ? 0 : order.count, 1))
            var record = EpochRecord(
                epoch: epoch + 1, learningRate: Double(optimizer.learningRate),
                trainLoss: lossSum / rows, trainRMSE: (squaredError / rows).squareRoot(),
                validLoss: valid.loss, validRMSE: valid.rmse, validMAE: valid.mae, seconds: Date().timeIntervalSince(started))
            record.validNDCG = valid.ndcg
            record.trainRankingLoss = rankingBatches.isEmpty ? .nan : rankingLoss / Double(rankingBatches.count)
            history.epochs.append(record)
            let metric = stoppingValue(valid, trainLoss: record.trainLoss)
            if metric < best || !metric.isFinite && best == .infinity {
                // Any gain keeps this epoch's weights; only a gain of 0.1 % resets the patience, so
                // a metric creeping up by hundredths of a percent does not train on for many epochs.
                badEpochs = metric.isFinite && best.isFinite && best - metric < 1e-3 * stoppingScale(best) ? badEpochs + 1 : 0
                best = metric.isFinite ? metric : best
                bestValues = averaged(parameters) { parameters.map(\.value) }
                history.bestEpoch = epoch + 1
            } else {
                badEpochs += 1
            }
            epoch += 1
            try save(parameters: parameters, optimizer: optimizer, history: history, best: best, badEpochs: badEpochs,
                     epoch: epoch, improved: history.bestEpoch == epoch)
            onEpoch?(record, options.epochs)
        }
        for p in parameters { p.isIdle = false }  // none stays idle after training
        history.stoppedEarly = epoch < options.epochs
        for (p, v) in zip(parameters, bestValues) { p.value = v }
        return history
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
    private func save(parameters: [Parameter], optimizer: any Optimizer, history: TrainingHistory,
                      best: Double, badEpochs: Int, epoch: Int, improved: Bool) throws {
        guard let checkpoint else { return }
        try AtomicFile.write(Data(), to: checkpoint.directory.appendingPathComponent("key.txt"))
        if improved {
            try averaged(parameters) {
                try Checkpoint.save(to: checkpoint.directory.appendingPathComponent("best.safetensors"), parameters: parameters)
            }
        }
        try AtomicFile.write(try Self.encoder.encode(history), to: checkpoint.directory.appendingPathComponent("history.json"))
        try Checkpoint.save(
            to: checkpoint.directory.appendingPathComponent("last.safetensors"),
            parameters: parameters + (average?.averages ?? []), optimizer: optimizer,
            extras: .init(counters: ["epoch": epoch, "bad_epochs": badEpochs, "dropout_batches": model.dropoutBatches,
                                     "average_steps": average?.steps ?? 0],
                          values: ["best": best]))
        // The key is written last: a checkpoint counts only once all its files are in place.
        try AtomicFile.write(checkpoint.key, to: checkpoint.directory.appendingPathComponent("key.txt"))
    }

    /// Until an epoch beats it, the starting point is the best checkpoint.
    private func saveInitialBest(_ parameters: [Parameter]) throws {
        guard let checkpoint else { return }
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
