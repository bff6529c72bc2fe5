/// What `evaluate` computes (pipeline file section `evaluate`).
public struct EvaluationOptions: Sendable, Equatable {
    public enum Baseline: String, Sendable, Codable, CaseIterable {
        case globalMean = "global_mean"
        /// User and item biases, regularised, fitted by alternating least squares (Surprise's BaselineOnly).
        case bias
        /// Biased matrix factorisation trained by SGD (Surprise's SVD).
        case mf
        /// Items ranked by their number of train interactions (ranking only).
        case popularity
        /// EASE^R (Steck 2019) on the train interactions as 0/1, λ = 500; item-kNN above
        /// `EASEBaseline.itemLimit` rated items (ranking only).
        case ease
        /// Item-based k nearest neighbours, cosine, 100 neighbours (ranking only).
        case itemKNN = "item_knn"

        /// Whether the baseline predicts ratings (the others only rank).
        public var predictsRatings: Bool { [.globalMean, .bias, .mf].contains(self) }
    }

    /// Cut-offs of the ranking metrics (Precision@K, Recall@K, NDCG@K, HitRate@K).
    public var k: [Int] = [10]
    /// A test rating at or above this counts as relevant for ranking; nil means 75 % of the way
    /// from the lowest to the highest train rating (4 on a 1–5 scale).
    public var relevanceThreshold: Double? = nil
    public var baselines: [Baseline] = [.globalMean, .bias, .mf, .popularity, .ease]
    /// Re-evaluate with each modality masked and report the change.
    public var ablation: Bool = true
    /// Compute the ranking metrics (they score every unseen item for every test user).
    public var ranking: Bool = true

    public init() {}
}
