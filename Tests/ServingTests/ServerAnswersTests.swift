import FeaturePipeline
import Foundation
@testable import Serving
import Testing

/// Every endpoint's answer equals the offline `TrainedRun` call for the same input: the
/// server adds transport, never numbers of its own.
@Suite struct ServerAnswersTests {
    struct ListAnswer: Decodable {
        var items: [ListedItem]
        var user: String?
        var user_known: Bool?
        var unknown_items: [String]?
    }

    static func listed(_ list: [TrainedRun.Recommendation], fields: [[String: String]]? = nil) -> [ListedItem] {
        list.enumerated().map { ListedItem($1, fields: fields?[$0]) }
    }

    @Test func healthAndModelSayWhichRunAnswers() async throws {
        let folder = try ServedRun.folder()
        let offline = try TrainedRun(directory: folder)
        try await ServedRun.withServer { client in
            let live = try await client.get("/health/live")
            #expect(live.status == 200)
            #expect(try live.object["status"] as? String == "live")
            let ready = try await client.get("/health/ready")
            #expect(ready.status == 200)
            #expect(try ready.object["status"] as? String == "ready")
            let model = try await client.get("/v1/model")
            #expect(model.status == 200)
            #expect(model.contentType?.hasPrefix("application/json") == true)
            let info = try model.object
            #expect(info["pipeline"] as? String == "served")
            #expect(info["run"] as? String == folder.path)
            let manifest = try ContentHash.hex(fileAt: folder.appendingPathComponent("manifest.json"))
            #expect(info["manifest_sha256"] as? String == manifest && offline.manifestSHA256 == manifest)
            let loadedAt = try #require(info["loaded_at"] as? String)
            #expect(try Date(loadedAt, strategy: .iso8601).timeIntervalSinceNow > -600, "\(loadedAt)")
        }
    }

    @Test func predictEqualsTrainedRunPredict() async throws {
        let offline = try TrainedRun(directory: ServedRun.folder())
        let items = ["i0", "i5", "i39", "i5"]
        let expected = try items.map { try offline.predict(user: "u3", item: $0) }
        try await ServedRun.withServer { client in
            let answer = try await client.post("/v1/predict", json: ["user": "u3", "items": items])
            #expect(answer.status == 200)
            struct Body: Decodable { var user: String; var predictions: [TrainedRun.Prediction] }
            let body = try answer.decode(Body.self)
            #expect(body.user == "u3")
            #expect(body.predictions.map(\.item) == items)
            #expect(body.predictions.map(\.prediction) == expected.map(\.prediction))
            #expect(body.predictions.map(\.userKnown) == expected.map(\.userKnown))
            #expect(body.predictions.map(\.itemKnown) == expected.map(\.itemKnown))
        }
    }

    @Test func recommendEqualsTrainedRunRecommend() async throws {
        let offline = try TrainedRun(directory: ServedRun.folder())
        let cases: [(Any, TrainedRun.SeenItems)] = [(true, .all), (false, .none), ("train", .train)]
        try await ServedRun.withServer { client in
            for (choice, seen) in cases {
                let expected = try offline.recommend(user: "u7", k: 6, excluding: seen)
                let answer = try await client.post("/v1/recommend", json: ["user": "u7", "k": 6, "exclude_seen": choice])
                #expect(answer.status == 200)
                let body = try answer.decode(ListAnswer.self)
                #expect(body.items == Self.listed(expected.items), "exclude_seen \(choice)")
                #expect(body.user == "u7" && body.user_known == expected.known)
            }
            // Item columns beside each id, as `recommend --show title,genre` prints them.
            let expected = try offline.recommend(user: "u7", k: 6)
            let shown = try offline.show(["title", "genre"], items: expected.items.map(\.item))
            let answer = try await client.post("/v1/recommend", json: ["user": "u7", "k": 6, "fields": ["title", "genre"]])
            #expect(try answer.decode(ListAnswer.self).items == Self.listed(expected.items, fields: shown))
            #expect(shown.allSatisfy { $0["genre"]?.isEmpty == false })
        }
    }

    /// A visitor the model never saw, described by three ratings (one of an item it does not know).
    @Test func recommendForAHistoryEqualsTrainedRunRecommendHistory() async throws {
        let offline = try TrainedRun(directory: ServedRun.folder())
        let history: [(item: String, rating: Float)] = [("i1", 5), ("i2", 1), ("i30", 4), ("new-item", 3)]
        let expected = try offline.recommend(history: history, k: 8)
        #expect(expected.unknown == ["new-item"])
        try await ServedRun.withServer { client in
            let posted = history.map { ["item": $0.item, "rating": Double($0.rating)] as [String: Any] }
            let answer = try await client.post("/v1/recommend", json: ["history": posted, "k": 8])
            #expect(answer.status == 200)
            let body = try answer.decode(ListAnswer.self)
            #expect(body.items == Self.listed(expected.items))
            #expect(!body.items.contains { ["i1", "i2", "i30"].contains($0.item) }, "rated items are left out")
            #expect(body.unknown_items == ["new-item"] && body.user == nil)
        }
    }

    @Test func similarEqualsTrainedRunSimilar() async throws {
        let offline = try TrainedRun(directory: ServedRun.folder())
        let expected = try offline.similar(to: "i7", k: 5)
        let shown = try offline.show(["title"], items: expected.map(\.item))
        try await ServedRun.withServer { client in
            let answer = try await client.post("/v1/similar", json: ["item": "i7", "k": 5, "fields": ["title"]])
            #expect(answer.status == 200)
            struct Body: Decodable { var item: String; var items: [ListedItem] }
            let body = try answer.decode(Body.self)
            #expect(body.item == "i7")
            #expect(body.items == zip(expected, shown).map { ListedItem($0, fields: $1) })
        }
    }
}
