import Foundation
import NeuralNet
import TensorCore

extension Trainer {
    /// What stays fixed through one `train()`: the optimizer, the train rows and their targets, the
    /// learning-rate schedule, the objectives' weights and the batches per epoch.
    struct Plan {
        let parameters: [Parameter]
        /// The parameters weight decay applies to (not the row-sparse embeddings).
        let dense: [Parameter]
        let optimizer: any Optimizer
        let trainRows: [Int]
        /// The train rows' ratings on the normalised scale the model is trained on.
        let targets: [Float]
        let schedule: LearningRateSchedule
        let ratingWeight: Float, rankingWeight: Float
        let ranking: RankingBatches?
        let ratingSteps: Int, rankingSteps: Int
        /// Sums gradients across the training group (nil: one process).
        let exchange: GradientExchange?
        /// The embedding regularisation is applied by the optimizer's step (`Adam.penalties`)
        /// rather than by a pass of its own: Adam without clipping, whose norm must see it first.
        let regularizesInStep: Bool

        var stepsPerEpoch: Int { (ratingWeight > 0 ? ratingSteps : 0) + rankingSteps }
    }

    /// What an epoch's batches add up to, for its record.
    struct EpochLosses {
        /// Squared errors on the normalised scale, and on the rating scale.
        var normalised = 0.0, rating = 0.0
        var ranking = 0.0
    }

    func makePlan() -> Plan {
        let parameters = model.parameters
        let optimizer: any Optimizer
        let regularizesInStep = options.optimizer == .adam && options.clipNorm == 0
        if options.optimizer == .adam {
            let adam = Adam(parameters: parameters, learningRate: Float(options.learningRate))
            if regularizesInStep {
                adam.penalties = parameters.map { $0.isRowSparse ? Float(options.embeddingRegularization) : 0 }
            }
            optimizer = adam
        } else {
            optimizer = SGD(parameters: parameters, learningRate: Float(options.learningRate), momentum: Float(options.momentum))
        }
        let trainRows = split.rows(in: .train)
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
        // Batches per epoch: rating batches of the train rows, and `ratio` ranking batches per rating
        // batch (counted even when the rating objective is off), at least one pass over the users.
        let ratingSteps = (trainRows.count + options.batchSize - 1) / options.batchSize
        let rankingSteps = ranking.map { max($0.batchesPerPass, Int((options.ranking.ratio * Double(ratingSteps)).rounded())) } ?? 0
        let exchange = group.flatMap { $0.size > 1 ? GradientExchange(group: $0) : nil }
        if let exchange, regularizesInStep {
            // Adam's large tables' rows are updated by their owners alone, then shared (`finishStep`).
            // Not with clipping, whose norm would need every row's total gradient on every member.
            for p in parameters where p.isRowSparse && p.elementCount >= exchange.group.smallestTableUpdatedInParts {
                p.rowOwners = RowOwners(rows: p.value.shape[0], members: exchange.group.size, rank: exchange.group.rank)
            }
        }
        return Plan(
            parameters: parameters, dense: parameters.filter { !$0.isRowSparse }, optimizer: optimizer, trainRows: trainRows,
            targets: trainRows.map { normalizer.normalize(set.ratings[$0], user: Int(set.users[$0])) }, schedule: schedule,
            ratingWeight: ratingWeight, rankingWeight: rankingWeight, ranking: ranking,
            ratingSteps: ratingSteps, rankingSteps: rankingSteps,
            exchange: exchange, regularizesInStep: regularizesInStep)
    }

    /// The running average of the weights, when train.weight_average asks for one.
    func makeWeightAverage(_ plan: Plan) -> WeightAverage? {
        let decay = min(options.weightAverage, 1 - 2 / Double(max(plan.stepsPerEpoch, 4)))
        return options.weightAverage > 0 && decay > 0
            ? WeightAverage(parameters: plan.parameters, decay: Float(decay), group: plan.exchange?.group) : nil
    }

    /// Epoch `epoch` (from 0): the shuffled rating batches with the sampled ranking batches spread
    /// evenly among them, one optimizer step each, then validation.
    func trainEpoch(_ epoch: Int, _ plan: Plan, _ validation: Validation) -> (EpochRecord, Validation.Result) {
        let started = Date()
        plan.optimizer.learningRate = plan.schedule.rate(base: Float(options.learningRate), at: epoch)
        var order = Array(0..<plan.trainRows.count)
        var shuffler = SeededGenerator(seed: seed, stream: "epoch-\(epoch)")
        shuffler.shuffle(&order)
        let ratingBatches = plan.ratingWeight > 0 ? stride(from: 0, to: order.count, by: options.batchSize).map { $0 } : []
        // The epoch's ranking batches: whole passes over the users, the last one cut, each batch
        // drawn at its step.
        var rankingDraws = plan.ranking?.draws(rng: SeededGenerator(seed: seed, stream: "ranking-\(epoch)"))
        let rankingCount = plan.rankingSteps  // 0 without the ranking objective
        var losses = EpochLosses()
        let steps = ratingBatches.count + rankingCount
        var (nextRating, nextRanking) = (0, 0)
        for step in 0..<steps {
            plan.optimizer.zeroGrad()
            // Every member of a training group draws the one-process masks of the whole batch.
            var rng = SeededGenerator(seed: seed, stream: "batch-\(epoch)-\(step)")
            if nextRanking < rankingCount && (step + 1) * rankingCount / steps > nextRanking, let batch = rankingDraws?.nextBatch() {
                model.prepareStep(for: .ranking)
                let part = localRows(of: batch.users.count)
                if let group = plan.exchange?.group, batch.candidates.count >= group.size {
                    // The members split the candidates (`rankingStep(_:splitAmong:)`); their losses add up.
                    losses.ranking += model.rankingStep(batch, splitAmong: group, historyKeep: Float(1 - options.ranking.historyDropout),
                                                        weight: plan.rankingWeight, rng: &rng)
                } else if !part.isEmpty {
                    // This member's share of the batch's users scales its loss so the group's sum is the mean.
                    let share = Double(part.count) / Double(batch.users.count)
                    losses.ranking += share * model.rankingStep(batch, users: part, historyKeep: Float(1 - options.ranking.historyDropout),
                                                                weight: plan.rankingWeight * Float(share), rng: &rng)
                }
                nextRanking += 1
            } else {
                let start = ratingBatches[nextRating]
                nextRating += 1
                ratingStep(order[start..<min(order.count, start + options.batchSize)], plan, &losses, rng: &rng)
            }
            finishStep(plan)
        }
        if let group, group.size > 1 { losses = sumAcrossGroup(losses, group) }
        average?.synchronize()  // every member, before validation and checkpoints read the averages
        let valid = averaged(plan.parameters) { validation.run() }
        let rows = Double(max(ratingBatches.isEmpty ? 0 : order.count, 1))
        var record = EpochRecord(
            epoch: epoch + 1, learningRate: Double(plan.optimizer.learningRate),
            trainLoss: losses.normalised / rows, trainRMSE: (losses.rating / rows).squareRoot(),
            validLoss: valid.loss, validRMSE: valid.rmse, validMAE: valid.mae, seconds: Date().timeIntervalSince(started))
        record.validNDCG = valid.ndcg
        record.trainRankingLoss = rankingCount == 0 ? .nan : losses.ranking / Double(rankingCount)
        return (record, valid)
    }

    /// One rating batch (positions in the train rows): forward, the squared error's gradient
    /// scaled by the rating weight, backward; adds the batch's errors to `losses`. In a training
    /// group this member takes its part of the batch, and the mean is over the whole batch.
    private func ratingStep(_ globalBatch: ArraySlice<Int>, _ plan: Plan, _ losses: inout EpochLosses,
                            rng: inout SeededGenerator) {
        model.prepareStep(for: .rating)
        let part = localRows(of: globalBatch.count)
        guard !part.isEmpty else { return skipForward() }
        let batch = Array(globalBatch)
        let rows = batch.map { plan.trainRows[$0] }
        let users = rows.map { Int(set.users[$0]) }, items = rows.map { Int(set.items[$0]) }
        let predictions = model.forward(users: users, items: items, ratings: rows.map { set.ratings[$0] }, rows: part, rng: &rng)
        var gradient = [Float](repeating: 0, count: part.count)
        let scale = 2 * plan.ratingWeight / Float(globalBatch.count)
        for (k, b) in part.enumerated() {
            let e = predictions[k] - plan.targets[batch[b]]
            gradient[k] = scale * e
            losses.normalised += Double(e * e)
            let r = normalizer.denormalize(predictions[k], user: users[b]) - set.ratings[rows[b]]
            losses.rating += Double(r * r)
        }
        model.backward(gradient)
    }

    /// After a batch's backward pass: regularisation, clipping, the optimizer's step, the average
    /// (in a training group, this member's part of the tables' rows and of the average, then the
    /// rows shared: `GradientExchange.shareUpdatedRows`, `WeightAverage`).
    private func finishStep(_ plan: Plan) {
        plan.exchange?.sum(plan.parameters)  // before regularisation: that applies once, to the summed rows
        if !plan.regularizesInStep { model.regularizeTouchedRows(Float(options.embeddingRegularization)) }
        if options.weightDecay > 0 {
            for p in plan.dense { p.grad.addScaled(p.value, by: Float(options.weightDecay)) }
        }
        if options.clipNorm > 0 { _ = clipGradientNorm(plan.parameters, maxNorm: Float(options.clipNorm)) }
        let updated = plan.exchange?.rowsToShare(plan.parameters)
        plan.optimizer.stepThenZeroGrad()
        if let updated { plan.exchange?.shareUpdatedRows(updated) }
        average?.update(plan.parameters)
        plan.exchange?.group.stepFinished(plan.parameters)
        FaultInjection.pause()
    }
}
