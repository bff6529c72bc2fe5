import Recommender
import TestSupport
import Testing

/// Baselines against Surprise (scripts/golden/recommender.py).
@Suite struct BaselineTests {
    struct Golden: Decodable {
        let users: Int, items: Int
        let train: [[Double]], test: [[Double]]
        let test_pairs: [[Int32]]
        let baseline_predictions: [Double]
        let svd_test_rmse_mean: Double, svd_test_rmse_std: Double
    }

    let golden: Golden
    let view: TrainingView

    init() throws {
        golden = try Repository.golden("recommender/baselines.json")
        let set = RatingSet(
            userIds: (0..<golden.users).map { "u\($0)" }, itemIds: (0..<golden.items).map { "i\($0)" },
            users: golden.train.map { Int32($0[0]) }, items: golden.train.map { Int32($0[1]) },
            ratings: golden.train.map { Float($0[2]) }, timestamps: golden.train.map { _ in 0 })
        view = TrainingView(set: set, rows: Array(0..<set.count))
    }

    @Test func biasBaselineMatchesSurpriseBaselineOnly() {
        let model = BiasBaseline(fit: view)
        let predictions = model.predict(users: golden.test_pairs.map { $0[0] }, items: golden.test_pairs.map { $0[1] })
        let check = closeness(predictions, golden.baseline_predictions.map(Float.init), absolute: 1e-4, relative: 0)
        #expect(check.ok, "\(check.detail)")
    }

    @Test func matrixFactorizationMatchesSurpriseSVDInDistribution() {
        let rmses = (0..<3).map { seed -> Double in
            let model = MatrixFactorization(fit: view, seed: UInt64(seed))
            let p = model.predict(users: golden.test.map { Int32($0[0]) }, items: golden.test.map { Int32($0[1]) })
            return Metrics.rmse(p, golden.test.map { Float($0[2]) })
        }
        let mean = rmses.reduce(0, +) / Double(rmses.count)
        #expect(abs(mean - golden.svd_test_rmse_mean) < 0.02, "ours \(mean), Surprise \(golden.svd_test_rmse_mean)")
    }

    @Test func globalMeanPredictsTheTrainMean() {
        let model = GlobalMeanBaseline(fit: view)
        let mean = golden.train.map { $0[2] }.reduce(0, +) / Double(golden.train.count)
        #expect(abs(Double(model.predict(users: [0], items: [0])[0]) - mean) < 1e-5)
    }
}

/// Ranking metrics against hand counts and scikit-learn's ndcg_score.
@Suite struct RankingMetricTests {
    struct Case: Decodable { let scores: [Float]; let relevant: [Int32]; let k: Int; let precision, recall, hit_rate, ndcg: Double }
    struct Golden: Decodable { let cases: [Case] }

    @Test func agreesWithScikitLearn() throws {
        let golden: Golden = try Repository.golden("recommender/ranking.json")
        for c in golden.cases {
            let ranked = Metrics.topK(c.scores, k: c.k).map { Int32($0) }
            let m = Metrics.ranking(ranked: ranked, relevant: Set(c.relevant), k: c.k)
            #expect(abs(m.precision - c.precision) < 1e-12 && abs(m.recall - c.recall) < 1e-12 && m.hitRate == c.hit_rate)
            #expect(abs(m.ndcg - c.ndcg) < 1e-9, "k=\(c.k) ours \(m.ndcg) sklearn \(c.ndcg)")
        }
    }

    @Test func errorMetrics() {
        #expect(Metrics.rmse([1, 2, 3], [1, 2, 5]) == (4.0 / 3).squareRoot())
        #expect(Metrics.mae([1, 2, 3], [2, 2, 5]) == 1)
    }

    @Test func topKBreaksTiesByIndex() {
        #expect(Metrics.topK([1, 3, 3, 0, 3], k: 3) == [1, 2, 4])
    }
}
