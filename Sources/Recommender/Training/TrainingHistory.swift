/// Per-epoch figures of a training run (metrics.json and the report's learning curves).
public struct EpochRecord: Sendable, Codable, Equatable {
    public var epoch: Int
    public var learningRate: Double
    /// Mean training loss (MSE on the normalised scale, before regularisation).
    public var trainLoss: Double
    /// RMSE of the training predictions on the rating scale, with dropout active.
    public var trainRMSE: Double
    /// Mean squared error on the validation split, on the scale the model is trained on (as
    /// `trainLoss`; without normalisation it is `validRMSE`²).
    public var validLoss: Double
    public var validRMSE: Double
    public var validMAE: Double
    public var seconds: Double
    /// NDCG@10 of the model's ranking on the validation split (NaN without the ranking objective).
    public var validNDCG = Double.nan
    /// Mean ranking loss per user of the epoch's ranking batches (NaN without them).
    public var trainRankingLoss = Double.nan

    enum CodingKeys: String, CodingKey {
        case epoch, learningRate = "learning_rate", trainLoss = "train_loss", trainRMSE = "train_rmse"
        case validLoss = "valid_loss", validRMSE = "valid_rmse", validMAE = "valid_mae", seconds
        case validNDCG = "valid_ndcg", trainRankingLoss = "train_ranking_loss"
    }

    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainRMSE: Double, validLoss: Double,
                validRMSE: Double, validMAE: Double, seconds: Double) {
        self.epoch = epoch; self.learningRate = learningRate; self.trainLoss = trainLoss; self.trainRMSE = trainRMSE
        self.validLoss = validLoss; self.validRMSE = validRMSE; self.validMAE = validMAE; self.seconds = seconds
    }

    /// Runs written before valid_loss existed read as NaN there.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try c.decode(Int.self, forKey: .epoch)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        trainLoss = try c.decode(Double.self, forKey: .trainLoss)
        trainRMSE = try c.decode(Double.self, forKey: .trainRMSE)
        validLoss = try c.decodeIfPresent(Double.self, forKey: .validLoss) ?? .nan
        validRMSE = try c.decode(Double.self, forKey: .validRMSE)
        validMAE = try c.decode(Double.self, forKey: .validMAE)
        seconds = try c.decode(Double.self, forKey: .seconds)
        validNDCG = try c.decodeIfPresent(Double.self, forKey: .validNDCG) ?? .nan
        trainRankingLoss = try c.decodeIfPresent(Double.self, forKey: .trainRankingLoss) ?? .nan
    }
}

public struct TrainingHistory: Sendable, Codable, Equatable {
    public var epochs: [EpochRecord] = []
    /// Epoch whose weights were kept (the best on validation).
    public var bestEpoch: Int = 0
    public var stoppedEarly = false
    /// Epochs completed before this process started (non-zero after a resume).
    public var resumedFromEpoch = 0
    /// Validation error of the starting point (epoch 0; the warm start).
    public var initialValidRMSE = Double.nan
    public var initialValidMAE = Double.nan
    /// Modalities left out for items without train ratings (`Trainer.selectColdItemContent`).
    public var coldItemMasked: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case epochs, bestEpoch = "best_epoch", stoppedEarly = "stopped_early", resumedFromEpoch = "resumed_from_epoch"
        case initialValidRMSE = "initial_valid_rmse", initialValidMAE = "initial_valid_mae"
        case coldItemMasked = "cold_item_masked"
    }

    public init() {}
}
