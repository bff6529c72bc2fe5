import Foundation

/// Error and ranking metrics, as pure functions.
public enum Metrics {
    /// √(mean((p − t)²)), accumulated in Double.
    public static func rmse(_ predictions: [Float], _ targets: [Float]) -> Double {
        precondition(predictions.count == targets.count, "rmse: \(predictions.count) predictions, \(targets.count) targets")
        guard !targets.isEmpty else { return .nan }
        var s = 0.0
        for (p, t) in zip(predictions, targets) { s += Double(p - t) * Double(p - t) }
        return (s / Double(targets.count)).squareRoot()
    }

    /// mean(|p − t|).
    public static func mae(_ predictions: [Float], _ targets: [Float]) -> Double {
        precondition(predictions.count == targets.count, "mae: \(predictions.count) predictions, \(targets.count) targets")
        guard !targets.isEmpty else { return .nan }
        var s = 0.0
        for (p, t) in zip(predictions, targets) { s += abs(Double(p - t)) }
        return s / Double(targets.count)
    }

    /// Ranking metrics of one user at cut-off k, with binary relevance.
    ///
    /// `ranked` is the recommendation list, best first (at least k long when possible).
    /// Precision@k = hits / k; Recall@k = hits / |relevant|; HitRate@k = 1 if any hit;
    /// NDCG@k = Σ_{j<k, ranked[j] relevant} 1/log₂(j + 2) divided by the same sum for an ideal list
    /// (min(k, |relevant|) leading hits).
    public static func ranking(ranked: [Int32], relevant: Set<Int32>, k: Int)
        -> (precision: Double, recall: Double, ndcg: Double, hitRate: Double)
    {
        guard !relevant.isEmpty, k > 0 else { return (0, 0, 0, 0) }
        var hits = 0
        var dcg = 0.0
        for (j, item) in ranked.prefix(k).enumerated() where relevant.contains(item) {
            hits += 1
            dcg += 1 / log2(Double(j) + 2)
        }
        var ideal = 0.0
        for j in 0..<min(k, relevant.count) { ideal += 1 / log2(Double(j) + 2) }
        return (Double(hits) / Double(k), Double(hits) / Double(relevant.count), dcg / ideal, hits > 0 ? 1 : 0)
    }

    /// Indices of the `k` largest scores, best first; ties go to the smaller index, so the order
    /// is deterministic.
    public static func topK(_ scores: [Float], k: Int) -> [Int] {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return Array(order.prefix(k))
    }
}
