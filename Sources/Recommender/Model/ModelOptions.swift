/// Shape of the fused rating model (pipeline file sections `model` and `users`).
public struct ModelOptions: Sendable, Equatable {
    public enum HistoryPooling: String, Sendable, Codable, CaseIterable {
        /// Mean of the item vectors of the user's train ratings.
        case mean
        /// Mean weighted by the user's (centred) ratings of those items.
        case ratingWeighted = "rating_weighted"
        /// No history vector.
        case none
    }

    /// Widths of the hidden layers of the MLP on top of the concatenated towers.
    public var hidden: [Int] = [128, 64]
    public var dropout: Double = 0.1
    /// Width of the fused item vector (the exported item embedding).
    public var itemDim: Int = 64
    /// Width of the learned item-id embedding added to the item tower (0 turns it off).
    public var itemIdEmbedding: Int = 64
    /// Width of the user-id embedding (0 turns it off).
    public var userEmbedding: Int = 64
    public var historyPooling: HistoryPooling = .mean
    /// At most this many of the user's most recent train items are pooled.
    public var historyMaxItems: Int = 200
    /// Feed the user's rating count (log) and mean rating to the user tower.
    public var userStatistics: Bool = true
    /// Train the modality encoders end to end; false keeps their seeded weights frozen.
    public var trainEncoders: Bool = true
    /// Per batch, each item's modality is replaced by its "missing" vector with this probability,
    /// so the model copes with absent content and the ablation is meaningful.
    public var modalityDropout: Double = 0.1
    /// Per batch, an item's id embedding and bias are replaced by the unknown-item row with this
    /// probability, so the content path learns to stand alone (what cold items rely on).
    public var itemIdDropout: Double = 0.1
    /// The same for user ids (what cold users rely on).
    public var userIdDropout: Double = 0.05
    /// Where training starts: `mf` (a biased matrix factorisation of the train ratings, fitted
    /// first), `bias` (user and item biases only), `random`, or `auto`: `bias` when items have
    /// content (modalities or item fields), `mf` when the model sees ids only. Measured on the
    /// movie-like benchmark (docs/architecture.md): with content, starting from biases lets the
    /// content path learn before the ids overfit; with ids only, starting from the factorisation
    /// keeps the model at least as good as it.
    public var warmStart: WarmStart = .auto
    /// Towers of the ranking objective: `shared` scores with the rating model's w_u and v_i;
    /// `separate` gives it its own linear maps of the same tower inputs (embeddings, history,
    /// content), so the two objectives share what they learn about users and items but not the
    /// last layer.
    public var rankingTowers: RankingTowers = .separate
    /// Width of the ranking's own towers (`separate`); nil: `itemDim`. 128 on the anime set:
    /// NDCG@10 0.2548 against 0.2467 at 64, RMSE 1.1243 against 1.1257.
    public var rankingDim: Int? = 128

    public enum RankingTowers: String, Sendable, Codable, CaseIterable {
        case shared, separate
        /// Only the user side (or only the item side) is the ranking's own.
        case user, item
    }

    public enum WarmStart: String, Sendable, Codable, CaseIterable { case auto, mf, bias, random }

    public init() {}
}
