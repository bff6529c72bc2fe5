import FeaturePipeline
import Foundation
@testable import Serving
import Testing

/// `candidates` for a run that ranks by the predicted rating: the server's list for a user equals
/// `TrainedRun.recommend` with the same candidate count (the offline `recommend --candidates`),
/// per request and as the server's setting; 0 and a count past the catalog are the exact list.
@Suite struct ServerCandidatesTests {
    static func offline(candidates: Int?, user: String, k: Int) throws -> [TrainedRun.Recommendation] {
        let run = try TrainedRun(directory: ServedRun.ratingScoredFolder())
        run.candidates = candidates
        return try run.recommend(user: user, k: k).items
    }

    static func check(_ answer: TestClient.Answer, _ expected: [TrainedRun.Recommendation]) throws {
        #expect(answer.status == 200)
        let items = try answer.decode(ServerExcludeTests.ListAnswer.self).items
        #expect(items.map(\.item) == expected.map(\.item))
        for (got, want) in zip(items, expected) { #expect(abs((got.score ?? .nan) - want.score) <= 1e-5) }
    }

    @Test func aRequestsCandidatesGiveTheOfflineList() async throws {
        let exact = try Self.offline(candidates: 0, user: "u4", k: 5)
        let short = try Self.offline(candidates: 6, user: "u4", k: 5)
        #expect(try Self.offline(candidates: 10_000, user: "u4", k: 5).map(\.item) == exact.map(\.item))
        try await ServedRun.withServer(over: try ServedRun.ratingScoredFolder()) { client in
            try Self.check(try await client.post("/v1/recommend", json: ["user": "u4", "k": 5]), exact)
            try Self.check(try await client.post("/v1/recommend", json: ["user": "u4", "k": 5, "candidates": 0]), exact)
            try Self.check(try await client.post("/v1/recommend", json: ["user": "u4", "k": 5, "candidates": 6]), short)
            let bad = try await client.post("/v1/recommend", json: ["user": "u4", "k": 5, "candidates": -1])
            #expect(bad.status == 400)
        }
    }

    @Test func theServersSettingIsEveryRequestsDefault() async throws {
        let short = try Self.offline(candidates: 6, user: "u9", k: 4)
        try await ServedRun.withServer({ $0.configuration.candidates = 6 }, over: try ServedRun.ratingScoredFolder()) { client in
            try Self.check(try await client.post("/v1/recommend", json: ["user": "u9", "k": 4]), short)
        }
    }
}
