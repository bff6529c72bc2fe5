import Foundation
import Recommender
import TensorCore
import Testing

/// Fit times of EASE^R and item-kNN on a real ratings file; run by hand, not part of the suite:
///
///     OPENBLAS_NUM_THREADS=1 PIPELINE_BENCH_TOPN=path/to/anime_ratings.dat \
///         [PIPELINE_BENCH_TOPN_WEIGHTS=/tmp/ease_b.npy PIPELINE_BENCH_TOPN_LAMBDA=500] \
///         swift test --filter TopNBaselineBenchmark
///
/// The file is tab-separated with a header (user, item, rating). Users and items are numbered in
/// order of first appearance, as pandas.factorize does, so scripts/bench/topn_baselines.py can
/// compare the written EASE weights with numpy's.
@Suite struct TopNBaselineBenchmark {
    static let path = ProcessInfo.processInfo.environment["PIPELINE_BENCH_TOPN"]

    @Test(.enabled(if: path != nil, "set PIPELINE_BENCH_TOPN to a ratings file"))
    func fitTimes() throws {
        let view = try Self.load(Self.path!)
        print("rows \(view.count), users \(view.userCount), items \(view.itemCount)")
        let clock = ContinuousClock()
        var ease: EASEBaseline?
        let lambda = Float(ProcessInfo.processInfo.environment["PIPELINE_BENCH_TOPN_LAMBDA"] ?? "") ?? 500
        let easeTime = try clock.measure { ease = try EASEBaseline(fit: view, regularization: lambda) }
        print("ease fit (λ = \(lambda)): \(easeTime)")
        let users = Array(Int32(0)..<Int32(view.userCount))
        print("ease scores, all users: \(clock.measure { _ = ease!.rankingScores(users: users) })")
        if let out = ProcessInfo.processInfo.environment["PIPELINE_BENCH_TOPN_WEIGHTS"] {
            try NumpyFile.encode(ease!.weights).write(to: URL(fileURLWithPath: out))
        }
        for threads in [1, 2] {
            var knn: ItemKNNBaseline?
            let fit = clock.measure { knn = ItemKNNBaseline(fit: view, threads: threads) }
            print("item_knn fit (100 neighbours), \(threads) thread(s): \(fit)")
            print("item_knn scores, all users: \(clock.measure { _ = knn!.rankingScores(users: users) })")
        }
    }

    static func load(_ path: String) throws -> TrainingView {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        var userIndex: [Substring: Int32] = [:], itemIndex: [Substring: Int32] = [:]
        var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = []
        func number(_ key: Substring, _ table: inout [Substring: Int32]) -> Int32 {
            if let k = table[key] { return k }
            table[key] = Int32(table.count)
            return Int32(table.count - 1)
        }
        for line in lines {
            let f = line.split(separator: "\t")
            users.append(number(f[0], &userIndex))
            items.append(number(f[1], &itemIndex))
            ratings.append(Float(f[2]) ?? 1)
        }
        let set = RatingSet(
            userIds: (0..<userIndex.count).map { "u\($0)" }, itemIds: (0..<itemIndex.count).map { "i\($0)" },
            users: users, items: items, ratings: ratings, timestamps: [Double](repeating: 0, count: users.count))
        return TrainingView(set: set, rows: Array(0..<set.count))
    }
}
