import Foundation
import TensorCore

/// Metrics of one model on one part of the split, per bucket.
///
/// Buckets: `all`, `warm`, `cold-item`, `cold-user`. Error metrics (rmse, mae) use every row of
/// the bucket. Ranking metrics (precision@K, recall@K, ndcg@K, hit_rate@K) rank, for each user
/// with at least one relevant row in the bucket, every catalog item the user did not rate in
/// train (nor, when evaluating test, in validation); relevant items are the bucket's rows with a
/// rating at or above the threshold. Ranking metrics are means over those users.
public struct Evaluator: Sendable {
    public static let buckets = ["all", "warm", "cold-item", "cold-user"]

    public let set: RatingSet
    public let split: DataSplit
    public let part: DataSplit.Part
    public let cutoffs: [Int]
    public let threshold: Float
    /// Users are ranked in parallel on this many threads (results do not depend on it).
    public var threads = 1

    public init(set: RatingSet, split: DataSplit, part: DataSplit.Part, options: EvaluationOptions) {
        self.set = set
        self.split = split
        self.part = part
        cutoffs = options.k.sorted()
        threshold = Self.threshold(set: set, split: split, options: options)
    }

    /// `evaluate.relevance_threshold`, or 75 % of the way from the lowest to the highest train rating.
    public static func threshold(set: RatingSet, split: DataSplit, options: EvaluationOptions) -> Float {
        if let t = options.relevanceThreshold { return Float(t) }
        let trainRatings = split.rows(in: .train).map { set.ratings[$0] }
        let lo = trainRatings.min() ?? 0, hi = trainRatings.max() ?? 0
        return lo + 0.75 * (hi - lo)
    }

    /// Rows of the part in each bucket.
    public func rows(bucket: String) -> [Int] {
        split.parts.indices.filter { r in
            split.parts[r] == part && (bucket == "all" || split.buckets[r].name == bucket)
        }
    }

    /// bucket → metric → value for a model that predicts ratings and ranks; buckets without rows
    /// are left out.
    public func evaluate(_ model: some RatingPredictor & Ranker, ranking: Bool = true) -> [String: [String: Double]] {
        evaluate(predictor: model, ranker: ranking ? model : nil)
    }

    /// Runs `chunks` chunks of the ranking (`body(c)`: the top items of chunk c's users) and
    /// returns every chunk's result in order, wherever they were computed.
    public typealias ChunkRunner = (_ chunks: Int, _ body: @Sendable (Int) -> [[Int32]]) -> [[[Int32]]]

    /// Error metrics of `predictor` and ranking metrics of `ranker`, either of which may be absent
    /// (popularity ranks but predicts no rating; implicit feedback has no rating to predict).
    /// `chunkRunner` ranks the users elsewhere (a training group splits them among its members);
    /// by default they are ranked here on `threads` threads.
    public func evaluate(predictor: (any RatingPredictor)?, ranker: (any Ranker)?,
                         chunkRunner: ChunkRunner? = nil) -> [String: [String: Double]] {
        var table: [String: [String: Double]] = [:]
        if let predictor { addErrors(predictor, into: &table) }
        if let ranker { addRanking(ranker, chunkRunner: chunkRunner, into: &table) }
        return table
    }

    private func addErrors(_ model: any RatingPredictor, into table: inout [String: [String: Double]]) {
        let partRows = rows(bucket: "all")
        let predictions = model.predict(users: partRows.map { set.users[$0] }, items: partRows.map { set.items[$0] })
        var predictionOf: [Int: Float] = [:]
        for (r, p) in zip(partRows, predictions) { predictionOf[r] = p }
        for bucket in Self.buckets {
            let rows = bucket == "all" ? partRows : rows(bucket: bucket)
            guard !rows.isEmpty else { continue }
            let p = rows.map { predictionOf[$0]! }, t = rows.map { set.ratings[$0] }
            table[bucket, default: [:]].merge(["rows": Double(rows.count), "rmse": Metrics.rmse(p, t), "mae": Metrics.mae(p, t)]) { $1 }
        }
    }

    /// The users ranked, what each must not be recommended (train, and validation when evaluating
    /// test) and what is relevant to each per bucket.
    public struct RankingTask: Sendable {
        public var users: [Int32]
        public var excluded: [Set<Int32>]
        public var relevant: [[String: Set<Int32>]]
    }

    public func rankingTask() -> RankingTask {
        var seen: [Int32: Set<Int32>] = [:]
        for r in 0..<set.count where split.parts[r] == .train || (part == .test && split.parts[r] == .valid) {
            seen[set.users[r], default: []].insert(set.items[r])
        }
        var relevant: [Int32: [String: Set<Int32>]] = [:]
        for r in rows(bucket: "all") where set.ratings[r] >= threshold {
            relevant[set.users[r], default: [:]]["all", default: []].insert(set.items[r])
            relevant[set.users[r], default: [:]][split.buckets[r].name, default: []].insert(set.items[r])
        }
        let users = relevant.keys.sorted()
        return RankingTask(users: users, excluded: users.map { seen[$0] ?? [] }, relevant: users.map { relevant[$0]! })
    }

    /// The order of equal scores: train popularity, then item id.
    public var ties: TieBreak { TieBreak(set: set, trainRows: split.rows(in: .train)) }

    private func addRanking(_ model: any Ranker, chunkRunner: ChunkRunner?, into table: inout [String: [String: Double]]) {
        let task = rankingTask()
        let ties = ties
        let maxK = cutoffs.last ?? 10
        let chunk = 256
        let chunks = (task.users.count + chunk - 1) / chunk
        let rank: @Sendable (Int) -> [[Int32]] = { c in
            let range = (c * chunk)..<min(task.users.count, (c + 1) * chunk)
            return model.topItems(users: Array(task.users[range]), excluded: Array(task.excluded[range]), k: maxK, ties: ties)
        }
        let rankings = (chunkRunner?(chunks, rank) ?? parallelMap(count: chunks, threads: threads, rank)).flatMap { $0 }
        var sums: [String: [String: Double]] = [:]
        var counts: [String: Int] = [:]
        for (ranked, relevant) in zip(rankings, task.relevant) {
            for (bucket, rel) in relevant.sorted(by: { $0.key < $1.key }) {
                counts[bucket, default: 0] += 1
                for k in cutoffs {
                    let m = Metrics.ranking(ranked: ranked, relevant: rel, k: k)
                    sums[bucket, default: [:]]["precision@\(k)", default: 0] += m.precision
                    sums[bucket, default: [:]]["recall@\(k)", default: 0] += m.recall
                    sums[bucket, default: [:]]["ndcg@\(k)", default: 0] += m.ndcg
                    sums[bucket, default: [:]]["hit_rate@\(k)", default: 0] += m.hitRate
                }
            }
        }
        for (bucket, metrics) in sums {
            let n = Double(counts[bucket]!)
            for (name, total) in metrics { table[bucket, default: [:]][name] = total / n }
            table[bucket, default: [:]]["ranked_users"] = n
        }
    }
}
