import Recommender
import TensorCore
import TestSupport
import Testing

/// Popularity, EASE^R and item-kNN against numpy (scripts/golden/ranking_baselines.py).
///
/// Tolerance 1e-4 relative, plus 1e-4 of the largest expected value in absolute terms for entries
/// near 0 (differences of larger numbers): the Swift side computes in Float32 (EASE^R through a
/// Cholesky inverse), whose rounding, ~1e-7 times G's small condition number here, stays far
/// below it, while any error in a definition (a sign, a normalisation, a missed pair) is of order 1.
@Suite struct TopNBaselineGoldenTests {
    struct Golden: Decodable {
        struct EASE: Decodable { let lambda: Float; let B: [[Double]]; let scores: [[Double]] }
        struct KNN: Decodable { let neighbors: Int; let similar: [[[Double]]]; let scores: [[Double]] }
        let users: Int, items: Int
        let train: [[Double]]
        let score_users: [Int32]
        let popularity: [Double]
        let ease: [EASE]
        let knn: [KNN]
    }

    let golden: Golden
    let view: TrainingView

    init() throws {
        golden = try Repository.golden("recommender/ranking_baselines.json")
        view = trainingView(users: golden.users, items: golden.items,
                            rows: golden.train.map { (Int32($0[0]), Int32($0[1]), Float($0[2])) })
    }

    func expectClose(_ actual: [Float], _ expected: [[Double]], _ label: String) {
        let flat = expected.flatMap { $0 }.map(Float.init)
        let scale = flat.map(abs).max() ?? 0
        let check = closeness(actual, flat, absolute: 1e-4 * scale, relative: 1e-4)
        #expect(check.ok, "\(label): \(check.detail)")
    }

    @Test func popularityCountsTrainRows() {
        #expect(PopularityBaseline(fit: view).counts == golden.popularity.map(Float.init))
    }

    @Test func easeWeightsAndScoresMatchNumpy() throws {
        for g in golden.ease {
            let model = try EASEBaseline(fit: view, regularization: g.lambda)
            expectClose(catalogWeights(model, items: golden.items), g.B, "B at λ = \(g.lambda)")
            expectClose(model.rankingScores(users: golden.score_users).storage, g.scores, "scores at λ = \(g.lambda)")
        }
    }

    @Test func itemKNNNeighboursAndScoresMatchNumpy() {
        for g in golden.knn {
            let model = ItemKNNBaseline(fit: view, neighbors: g.neighbors)
            for item in 0..<golden.items {
                let ours = model.similarItems(to: Int32(item))
                #expect(ours.map(\.item) == g.similar[item].map { Int32($0[0]) }, "k = \(g.neighbors), item \(item)")
                expectClose(ours.map(\.similarity), [g.similar[item].map { $0[1] }], "k = \(g.neighbors), item \(item)")
            }
            expectClose(model.rankingScores(users: golden.score_users).storage, g.scores, "scores, k = \(g.neighbors)")
        }
    }
}

/// Properties that hold on any data.
@Suite struct TopNBaselineInvariantTests {
    /// 40 users × 30 items, items 0 and 7 never rated, user 39 without rows, repeated pairs.
    static let view: TrainingView = {
        var rng = SeededGenerator(seed: 5, stream: "top-n")
        var rows: [(Int32, Int32, Float)] = []
        for u in 0..<39 {
            for _ in 0..<(3 + Int(rng.nextUnitFloat() * 10)) {
                let i = Int32(1 + Int(rng.nextUnitFloat() * rng.nextUnitFloat() * 29))
                if i != 7 { rows.append((Int32(u), i, 1 + Float(Int(rng.nextUnitFloat() * 5)))) }
            }
        }
        return trainingView(users: 40, items: 30, rows: rows)
    }()
    static let neverRated: [Int32] = [0, 7]

    @Test func easeHasAZeroDiagonalAndScoresNeverRatedItemsZero() throws {
        let model = try EASEBaseline(fit: Self.view, regularization: 5)
        #expect(!model.activeItems.contains(0) && !model.activeItems.contains(7))
        let n = model.activeItems.count
        #expect((0..<n).allSatisfy { model.weights[$0, $0] == 0 })
        let scores = model.rankingScores(users: Array(0..<40))
        for u in 0..<40 { for i in Self.neverRated { #expect(scores[u, Int(i)] == 0) } }
        #expect(scores.row(39).allSatisfy { $0 == 0 }, "a user without train rows scores 0")
    }

    @Test func itemKNNScoresNeverRatedItemsZero() {
        let scores = ItemKNNBaseline(fit: Self.view, neighbors: 5).rankingScores(users: Array(0..<40))
        for u in 0..<40 { for i in Self.neverRated { #expect(scores[u, Int(i)] == 0) } }
    }

    @Test func itemKNNWithEveryNeighbourIsTheFullCosineSum() {
        let x = binaryMatrix(Self.view)
        let degree = (0..<30).map { i in x.reduce(0) { $0 + $1[i] } }
        var expected: [Float] = []
        for u in 0..<40 {
            for j in 0..<30 {
                var s = 0.0
                for i in 0..<30 where i != j && x[u][i] == 1 && degree[j] > 0 {
                    let both = (0..<40).reduce(0) { $0 + x[$1][i] * x[$1][j] }
                    s += Double(both) / Double(degree[i] * degree[j]).squareRoot()
                }
                expected.append(Float(s))
            }
        }
        let model = ItemKNNBaseline(fit: Self.view, neighbors: 30)
        let check = closeness(model.rankingScores(users: Array(0..<40)).storage, expected, absolute: 1e-5, relative: 1e-5)
        #expect(check.ok, "\(check.detail)")
    }

    @Test func itemKNNDoesNotDependOnThreads() {
        let users = Array(Int32(0)..<40)
        let one = ItemKNNBaseline(fit: Self.view, neighbors: 4, threads: 1).rankingScores(users: users)
        let two = ItemKNNBaseline(fit: Self.view, neighbors: 4, threads: 2).rankingScores(users: users)
        #expect(one == two)
    }

    @Test func popularityRanksByTrainRowsThenTieBreak() {
        let counts = PopularityBaseline(fit: Self.view).counts
        let ids = (0..<30).map { "i\($0)" }
        let ties = TieBreak(counts: counts.map { Int($0) }, ids: ids)
        let ranked = PopularityBaseline(fit: Self.view).topItems(users: [39], excluded: [[]], k: 30, ties: ties)[0]
        let expected = (0..<30).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : ids[$0] < ids[$1] }
        #expect(ranked == expected.map(Int32.init))
    }

    @Test func topItemsSkipExcludedItemsAndBreakTiesByTheRule() throws {
        // Ties by string id, not index: "i10" < "i2". A user without rows ties everywhere.
        let ties = TieBreak(counts: [Int](repeating: 0, count: 30), ids: (0..<30).map { "i\($0)" })
        let rankers: [any ScoreRanker] = [
            PopularityBaseline(fit: Self.view), try EASEBaseline(fit: Self.view), ItemKNNBaseline(fit: Self.view),
        ]
        let excluded: Set<Int32> = [1, 2, 3, 10]
        for ranker in rankers {
            let lists = ranker.topItems(users: [4, 39], excluded: [excluded, excluded], k: 10, ties: ties)
            #expect(lists.allSatisfy { $0.count == 10 && excluded.isDisjoint(with: $0) }, "\(ranker.name)")
            if ranker.name != "popularity" {
                #expect(lists[1] == [0, 11, 12, 13, 14, 15, 16, 17, 18, 19], "\(ranker.name): cold user in id order")
            }
        }
    }

    @Test func factoryPicksEASEWithinTheLimitAndItemKNNAbove() {
        let within = TopNBaseline.fit(train: Self.view)
        #expect(within.ranker.name == "ease" && within.note == nil)
        let above = TopNBaseline.fit(train: Self.view, easeItemLimit: 20, neighbors: 7)
        #expect(above.ranker.name == "item_knn")
        let rated = Set(Self.view.items).count
        #expect(above.note == "ease: \(rated) rated items exceed the EASE^R limit of 20; using item_knn (7 neighbours) instead")
    }

    @Test func factoryNoteGroupsThousands() {
        let view = trainingView(users: 2, items: 1234, rows: (0..<1234).map { (Int32($0 % 2), Int32($0), 1) })
        let fitted = TopNBaseline.fit(train: view, easeItemLimit: 1000)
        #expect(fitted.note == "ease: 1 234 rated items exceed the EASE^R limit of 1 000; using item_knn (100 neighbours) instead")
    }

    @Test func factoryReportsAFailedInverseAndFallsBack() {
        let fitted = TopNBaseline.fit(train: Self.view, regularization: -1000)
        #expect(fitted.ranker.name == "item_knn")
        #expect(fitted.note?.hasPrefix("ease: XᵀX + λI with λ = -1000.0 is not positive definite (leading minor of order 1 of ") == true,
                "\(fitted.note ?? "")")
    }
}

func trainingView(users: Int, items: Int, rows: [(Int32, Int32, Float)]) -> TrainingView {
    let set = RatingSet(
        userIds: (0..<users).map { "u\($0)" }, itemIds: (0..<items).map { "i\($0)" },
        users: rows.map(\.0), items: rows.map(\.1), ratings: rows.map(\.2), timestamps: rows.map { _ in 0 })
    return TrainingView(set: set, rows: Array(0..<set.count))
}

/// users × items 0/1 (a repeated pair once).
func binaryMatrix(_ view: TrainingView) -> [[Int]] {
    var x = [[Int]](repeating: [Int](repeating: 0, count: view.itemCount), count: view.userCount)
    for (u, i) in zip(view.users, view.items) { x[Int(u)][Int(i)] = 1 }
    return x
}

/// EASE's B spread over the whole catalog (zeros for never-rated items), row-major.
func catalogWeights(_ model: EASEBaseline, items: Int) -> [Float] {
    var b = [Float](repeating: 0, count: items * items)
    for (r, i) in model.activeItems.enumerated() {
        for (c, j) in model.activeItems.enumerated() { b[Int(i) * items + Int(j)] = model.weights[r, c] }
    }
    return b
}
