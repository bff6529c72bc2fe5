import FeaturePipeline
import Foundation
@testable import Serving
import Testing

/// `exclude` in /v1/recommend: the ids listed are never returned, ids the model does not know
/// are ignored, and what remains is the unrestricted list in the same order and scores.
@Suite struct ServerExcludeTests {
    struct ListAnswer: Decodable { var items: [ListedItem] }

    /// The first `k` of `full` without `excluded`, ranked again from 1.
    static func without(_ excluded: [String], from full: [TrainedRun.Recommendation], k: Int) -> [(item: String, score: Float?)] {
        Array(full.filter { !excluded.contains($0.item) }.prefix(k)).map { ($0.item, $0.score) }
    }

    static func check(_ body: ListAnswer, against expected: [(item: String, score: Float?)], excluded: [String]) {
        #expect(body.items.map(\.item) == expected.map(\.item))
        #expect(body.items.map(\.rank) == Array(1...expected.count))
        for (got, want) in zip(body.items, expected) { #expect(abs((got.score ?? 0) - (want.score ?? 0)) <= 1e-5) }
        #expect(!body.items.contains { excluded.contains($0.item) })
    }

    @Test func excludedIdsNeverComeBackForAUser() async throws {
        let offline = try TrainedRun(directory: ServedRun.folder())
        let full = try offline.recommend(user: "u7", k: 9).items
        let excluded = [full[0].item, full[2].item, "no-such-item"]
        let expected = Self.without(excluded, from: full, k: 6)
        try await ServedRun.withServer { client in
            let answer = try await client.post("/v1/recommend", json: ["user": "u7", "k": 6, "exclude": excluded])
            #expect(answer.status == 200)
            Self.check(try answer.decode(ListAnswer.self), against: expected, excluded: excluded)
        }
    }

    @Test func excludedIdsNeverComeBackForAHistory() async throws {
        let offline = try TrainedRun(directory: ServedRun.folder())
        let history: [(item: String, rating: Float)] = [("i1", 5), ("i2", 1), ("i30", 4)]
        let full = try offline.recommend(history: history, k: 8).items
        let excluded = [full[1].item]
        let expected = Self.without(excluded, from: full, k: 5)
        try await ServedRun.withServer { client in
            let posted = history.map { ["item": $0.item, "rating": Double($0.rating)] as [String: Any] }
            let answer = try await client.post("/v1/recommend", json: ["history": posted, "k": 5, "exclude": excluded])
            #expect(answer.status == 200)
            Self.check(try answer.decode(ListAnswer.self), against: expected, excluded: excluded)
        }
    }
}
