import Foundation
import TensorCore

/// The fused model as a `Ranker`.
///
/// Which score it ranks by:
/// - `rating`: the unclipped predicted rating (the model trained for ratings alone);
/// - `retrieval`: the ranking head s_ui = scale·⟨w_u, v_i⟩ + c_i (implicit feedback);
/// - `combined`: log P(relevant) up to a per-user constant, the sum of the ranking head's log
///   probability that u picks i and the log probability that u then rates i at or above the
///   relevance threshold t, with the rating error taken as Gaussian around the prediction r̂_ui
///   with the validation RMSE σ:  s_ui + log Φ((r̂_ui − t) / σ).
///
/// Since log Φ ≤ 0, the combined score never exceeds s_ui, so `combined` computes r̂ only for
/// the best items by s_ui: it widens that shortlist until the k-th best combined score is at least
/// the largest s_ui left out. The result is the exact top k of the combined score.
public struct FusedRanker: Ranker {
    public enum Score: Sendable, Equatable {
        case rating
        case retrieval
        case combined(threshold: Float, sigma: Float)
    }

    public let name: String
    public let score: Score
    let scorer: FusionModel.Scorer
    let normalizer: RatingNormalizer
    let userVectors: Tensor
    /// User vectors as the ranking head sees them (no user id; its own tower if any).
    let rankingUserVectors: Tensor
    /// The items' vectors for both heads and the first MLP layer's item half.
    public private(set) var items: ItemSide
    var itemVectors: Tensor { items.vectors }
    var rankingItemVectors: Tensor { items.rankingVectors }
    /// Whether the one user row is a user the model never saw (unknown-user bias, global mean).
    let coldUser: Bool
    /// Ranking by `rating` over a large catalog: the full rating (its MLP term the costly part)
    /// is computed only for this many candidates, those with the best dot-product part
    /// ⟨w_u, v_i⟩ + b_i of the rating. nil: every item (exact). The other scores are exact anyway:
    /// `retrieval` is a dot product, and `combined` widens its shortlist until it is exact.
    public var candidates: Int?

    public init(model: FusionModel, normalizer: RatingNormalizer, score: Score, masked: Set<String> = [], name: String = "fused") {
        self.init(model: model, normalizer: normalizer, score: score, userVectors: model.userVectors(),
                  itemVectors: model.itemVectors(masked: masked), masked: masked, name: name)
    }

    public init(model: FusionModel, normalizer: RatingNormalizer, score: Score, userVectors: Tensor, itemVectors: Tensor,
                masked: Set<String> = [], name: String = "fused") {
        self.init(model: model, normalizer: normalizer, score: score, userVectors: userVectors,
                  items: ItemSide(model: model, score: score, vectors: itemVectors, masked: masked), name: name)
    }

    /// With the item side already computed (shared with other rankers of the model).
    public init(model: FusionModel, normalizer: RatingNormalizer, score: Score, userVectors: Tensor, items: ItemSide,
                name: String = "fused") {
        self.name = name
        self.score = score
        scorer = model.scorer()
        self.normalizer = normalizer
        self.userVectors = userVectors
        self.items = items
        rankingUserVectors = score == .rating ? userVectors : model.userVectors(forRanking: true)
        coldUser = false
    }

    /// Ranks for a user the model never saw (user index 0 of `topItems`): no id, no history.
    public init(coldUserOf model: FusionModel, normalizer: RatingNormalizer, score: Score, items side: ItemSide? = nil) {
        self.init(historyOf: model, items: [], ratings: [], normalizer: normalizer, score: score, itemSide: side)
    }

    /// Ranks for one user the model never saw but who is described by ratings (`userVector` of
    /// the model: history and statistics from them, no id, the unknown-user bias).
    /// `itemSide`: the model's item side if already computed (it does not depend on the user;
    /// computing it is the item tower over the whole catalog).
    public init(historyOf model: FusionModel, items: [Int], ratings: [Float], normalizer: RatingNormalizer, score: Score,
                itemSide: ItemSide? = nil) {
        name = "fused"
        self.score = score
        scorer = model.scorer()
        self.normalizer = normalizer
        userVectors = model.userVector(history: items, ratings: ratings)
        self.items = itemSide ?? ItemSide(model: model, score: score, vectors: model.itemVectors())
        rankingUserVectors = model.userVector(history: items, ratings: ratings, forRanking: true)
        coldUser = true
    }

    /// This ranker with `candidates` set.
    public func candidates(_ count: Int?) -> FusedRanker {
        var ranker = self
        ranker.candidates = count
        return ranker
    }

    /// Items ranked: the model's, then any added after training (`rank(_:)`).
    public var itemCount: Int { itemVectors.shape[0] }

    /// Ranks `items`, the item side of this ranker's with items appended (`ItemSide.append`):
    /// items added after training, which have no id row and take the unknown item's biases, as a
    /// cold item of the catalog does.
    public mutating func rank(_ items: ItemSide) {
        precondition(items.count >= self.items.count, "rank: an item side may only grow")
        self.items = items
    }

    public func topItems(users: [Int32], excluded: [Set<Int32>], k: Int, ties: TieBreak) -> [[Int32]] {
        switch score {
        case .rating where candidates.map({ $0 < itemCount }) ?? false:
            return zip(users, excluded).map { u, exclude in
                let s = scorer.dotScores(user: Int(u), of: userVectors, itemVectors: itemVectors)
                let shortlist = s.withUnsafeBufferPointer { TopK.select($0, k: max(candidates ?? 0, k), excluded: exclude, ties: ties) }
                return TopK.select(items: shortlist, scores: ratings(user: Int(u), items: shortlist.map(Int.init)), k: k, ties: ties)
            }
        case .rating:
            let all = Array(0..<itemCount)
            return zip(users, excluded).map { u, exclude in
                let kept = all.filter { !exclude.contains(Int32($0)) }
                return TopK.select(items: kept.map(Int32.init), scores: ratings(user: Int(u), items: kept), k: k, ties: ties)
            }
        case .retrieval:
            let s = scorer.rankingScores(userVectors: gather(rankingUserVectors, users.map(Int.init)), itemVectors: rankingItemVectors)
            return s.withUnsafeBufferPointer { p in
                users.indices.map { j in
                    TopK.select(UnsafeBufferPointer(rebasing: p[(j * itemCount)..<((j + 1) * itemCount)]),
                                k: k, excluded: excluded[j], ties: ties)
                }
            }
        case .combined(let threshold, let sigma):
            let s = scorer.rankingScores(userVectors: gather(rankingUserVectors, users.map(Int.init)), itemVectors: rankingItemVectors)
            return users.indices.map { j in
                combinedTop(user: Int(users[j]), s: Array(s.storage[(j * itemCount)..<((j + 1) * itemCount)]),
                            excluded: excluded[j], k: k, ties: ties, threshold: threshold, sigma: sigma)
            }
        }
    }

    /// Unclipped predicted ratings of `items` for `user`.
    public func ratings(user: Int, items: [Int]) -> [Float] {
        let raw = scorer.score(user: user, of: userVectors, items: items, itemVectors: itemVectors,
                               itemHalf: self.items.firstLayerHalf, coldUser: coldUser)
        return raw.map { normalizer.denormalize($0, user: coldUser ? -1 : user) }
    }

    /// The score `topItems` ranks by, for `items` of one user.
    public func scores(user: Int, items: [Int]) -> [Float] {
        switch score {
        case .rating:
            return ratings(user: user, items: items)
        case .retrieval, .combined:
            // The listed items' scores only: a pass over every item's vector here doubled the
            // cost of a recommend over a large catalog.
            let s = scorer.rankingScores(user: user, of: rankingUserVectors, itemVectors: rankingItemVectors, items: items)
            guard case .combined(let threshold, let sigma) = score else { return s }
            return zip(s, ratings(user: user, items: items)).map { si, r in
                si + Self.logNormalCDF((r - threshold) / sigma)
            }
        }
    }

    /// The exact top k of the combined score by a widening shortlist (see the type's comment).
    /// Each shortlist extends the last (the best by s, in the same order: `ties` is a total
    /// order), so only the new items' ratings are computed; once it would cover a quarter of the
    /// open items, the items left are scored at once instead (a flat s, as an untrained ranking
    /// head gives, would otherwise widen it round after round to all of them, each round
    /// selecting and sorting thousands: the starting point's validation took longer than an epoch).
    private func combinedTop(user: Int, s: [Float], excluded: Set<Int32>, k: Int, ties: TieBreak,
                             threshold: Float, sigma: Float) -> [Int32] {
        func combinedScores(_ items: [Int]) -> [Float] {
            zip(items, ratings(user: user, items: items)).map { i, r in s[i] + Self.logNormalCDF((r - threshold) / sigma) }
        }
        let open = s.count - excluded.count
        var width = min(open, max(4 * k, 64))
        var shortlist: [Int] = [], combined: [Float] = []  // the last shortlist and its scores, in its order
        while 4 * width < open {
            // The `width + 1` best by s: the shortlist and the best item left out of it.
            let order = s.withUnsafeBufferPointer { TopK.select($0, k: width + 1, excluded: excluded, ties: ties) }
            shortlist = Array(order.prefix(width)).map(Int.init)
            combined += combinedScores(Array(shortlist[combined.count...]))
            let top = TopK.select(items: shortlist.map(Int32.init), scores: combined, k: k, ties: ties)
            guard order.count > width, let kth = top.last, top.count == k else { return top }
            let kthScore = combined[shortlist.firstIndex(of: Int(kth))!]
            if kthScore > s[Int(order[width])] { return top }
            width *= 4
        }
        var scored = [Bool](repeating: false, count: s.count)
        for i in shortlist { scored[i] = true }
        let rest = (0..<s.count).filter { !scored[$0] && !excluded.contains(Int32($0)) }
        return TopK.select(items: (shortlist + rest).map(Int32.init), scores: combined + combinedScores(rest), k: k, ties: ties)
    }

    /// log Φ(z) for the standard normal CDF, accurate in the far left tail (where Φ underflows).
    public static func logNormalCDF(_ z: Float) -> Float {
        let x = Double(z)
        if x > -30 { return Float(Foundation.log(0.5 * erfc(-x / 2.squareRoot()))) }
        // Asymptotic series: Φ(x) ≈ φ(x)/(−x) · (1 − 1/x²) for x → −∞.
        return Float(-0.5 * x * x - Foundation.log(-x) - 0.5 * Foundation.log(2 * Double.pi) + Foundation.log(1 - 1 / (x * x)))
    }
}

/// How a trained model ranks, saved with it (model.json `scoring`) so that `recommend` ranks as
/// the evaluate stage did.
public struct RankingScoring: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case rating, retrieval, combined }
    public var kind: Kind
    /// Relevance threshold t and rating deviation σ of the combined score.
    public var threshold: Float
    public var sigma: Float

    public init(kind: Kind, threshold: Float = 0, sigma: Float = 1) {
        self.kind = kind; self.threshold = threshold; self.sigma = sigma
    }

    /// The score a model trained with these objectives ranks by; σ is its validation RMSE.
    public init(objectives: TrainOptions.Objectives, threshold: Float, validRMSE: Double) {
        if objectives.ranking <= 0 {
            self.init(kind: .rating)
        } else if objectives.rating <= 0 || !validRMSE.isFinite || validRMSE <= 0 {
            self.init(kind: .retrieval)
        } else {
            self.init(kind: .combined, threshold: threshold, sigma: Float(validRMSE))
        }
    }

    public var score: FusedRanker.Score {
        switch kind {
        case .rating: .rating
        case .retrieval: .retrieval
        case .combined: .combined(threshold: threshold, sigma: sigma)
        }
    }
}
