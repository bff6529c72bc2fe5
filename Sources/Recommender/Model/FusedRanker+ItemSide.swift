import TensorCore

extension FusedRanker {
    /// What a ranker knows of the items, computed once and shared by the rankers of one model
    /// (its users', a new visitor's, a posted history's): the rating head's item vectors v_i,
    /// the ranking head's ṽ_i and the first MLP layer's item half B·v_i + b₁ (`Scorer.itemHalf`).
    /// Items added after training are appended to all three.
    public struct ItemSide: Sendable {
        public private(set) var vectors: Tensor
        public private(set) var rankingVectors: Tensor
        public private(set) var firstLayerHalf: Tensor
        /// Whether the ranking head is used; without it `rankingVectors` are `vectors`.
        let ranks: Bool

        /// `vectors`: the model's item vectors (`model.itemVectors(masked:)`).
        public init(model: FusionModel, score: Score, vectors: Tensor, masked: Set<String> = []) {
            self.vectors = vectors
            ranks = score != .rating
            rankingVectors = ranks ? model.itemVectors(masked: masked, forRanking: true) : vectors
            firstLayerHalf = model.scorer().itemHalf(of: vectors)
        }

        public var count: Int { vectors.shape[0] }

        /// Appends items' `vectors` and `rankingVectors` (their ranking-head vectors).
        public mutating func append(vectors more: Tensor, rankingVectors moreRanking: Tensor, scorer: FusionModel.Scorer) {
            vectors = concatenateRows(vectors, more)
            rankingVectors = ranks ? concatenateRows(rankingVectors, moreRanking) : vectors
            firstLayerHalf = concatenateRows(firstLayerHalf, scorer.itemHalf(of: more))
        }
    }
}
