import FeaturePipeline
import Foundation
@testable import Serving
import Testing

/// POST /v1/items: a posted item is embedded as `extract --model` embeds its row, scored as the
/// offline path scores a cold item of a catalog that has it, recommendable at once, and read
/// back by the offline commands from the run's item store.
@Suite struct PostedItemsTests {
    struct PredictBody: Decodable { var predictions: [TrainedRun.Prediction] }

    @Test func aPostedItemIsScoredAsTheOfflinePathScoresACatalogsColdItem() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let spec = try run.extendedSpec()
        var report = LoadReport()
        let catalog = try DataLoader.loadCatalog(spec.data, report: &report)
        let trained = try TrainedRun(directory: run.folder)
        let cold = try trained.predict(user: "u3", item: "new1", catalogOf: spec)
        let coldList = try trained.recommend(user: "u7", k: 41, candidates: catalog, data: spec.data, excluding: .none).items
        try await ServedRun.withServer(over: run.folder) { client in
            let posted = try await client.post("/v1/items", json: PostedRun.row)
            #expect(posted.status == 201, "\(String(decoding: posted.body, as: UTF8.self))")
            #expect(try posted.object["added"] as? [String] == ["new1"])
            #expect(try posted.object["manifest_sha256"] as? String == trained.manifestSHA256)

            let predicted = try await client.post("/v1/predict", json: ["user": "u3", "items": ["new1", "i5"]])
            let prediction = try predicted.decode(PredictBody.self).predictions[0]
            #expect(abs(prediction.prediction - cold.prediction) <= 1e-5, "\(prediction.prediction) vs \(cold.prediction)")
            #expect(!prediction.itemKnown && !cold.itemKnown)

            // Every item for u7, the new one among them, with recommend --catalog's scores and ratings.
            let listed = try await client.post("/v1/recommend", json: ["user": "u7", "k": 41, "exclude_seen": false])
            let items = try listed.decode(ServerAnswersTests.ListAnswer.self).items
            let offline = Dictionary(uniqueKeysWithValues: coldList.map { ($0.item, $0) })
            #expect(items.count == 41 && items.contains { $0.item == "new1" })
            for item in items {
                let expected = try #require(offline[item.item])
                #expect(abs((item.score ?? .nan) - expected.score) <= 1e-4, "\(item.item): \(item.score ?? .nan) vs \(expected.score)")
                #expect(abs((item.rating ?? .nan) - (expected.rating ?? .nan)) <= 1e-4, "\(item.item)")
            }

            let similar = try await client.post("/v1/similar", json: ["item": "new1", "k": 3])
            #expect(similar.status == 200)
            let neighbours = try await client.post("/v1/similar", json: ["item": "i5", "k": 40])
            #expect(try neighbours.decode(ServerAnswersTests.ListAnswer.self).items.contains { $0.item == "new1" })
        }
    }

    @Test func offlineCommandsReadTheStoreAndAnswerAsTheServer() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let history: [(item: String, rating: Float)] = [("i1", 5), ("new1", 4), ("i30", 2)]
        try await ServedRun.withServer(over: run.folder) { client in
            #expect(try await client.post("/v1/items", json: PostedRun.row).status == 201)
            let offline = try TrainedRun(directory: run.folder)
            #expect(try offline.addItemStore() == [])
            #expect(offline.addedItemIds == ["new1"])

            let predicted = try await client.post("/v1/predict", json: ["user": "u3", "items": ["new1"]])
            #expect(try predicted.decode(PredictBody.self).predictions[0].prediction == offline.predict(user: "u3", item: "new1").prediction)

            let expected = try offline.recommend(user: "u7", k: 41, excluding: .none)
            let shown = try offline.show(["title", "genre"], items: expected.items.map(\.item))
            let listed = try await client.post("/v1/recommend", json: ["user": "u7", "k": 41, "exclude_seen": "none", "fields": ["title", "genre"]])
            #expect(try listed.decode(ServerAnswersTests.ListAnswer.self).items == ServerAnswersTests.listed(expected.items, fields: shown))
            let newRow = try #require(shown.first { $0["title"] == PostedRun.row["title"] })
            #expect(newRow["genre"] == "jazz")

            // A visitor who rated the new item: it is not pooled (no history vector) and not recommended back.
            let (fromHistory, unpooled) = try offline.recommend(history: history, k: 40)
            let body = history.map { ["item": $0.item, "rating": Double($0.rating)] as [String: Any] }
            let answer = try await client.post("/v1/recommend", json: ["history": body, "k": 40])
            let list = try answer.decode(ServerAnswersTests.ListAnswer.self)
            #expect(list.items == ServerAnswersTests.listed(fromHistory))
            #expect(list.unknown_items == ["new1"] && unpooled == ["new1"])
            #expect(!list.items.contains { $0.item == "new1" })
            // A visitor who did not rate it can be recommended it.
            let other = try offline.recommend(history: [("i1", 5), ("i30", 2)], k: 41).items
            let visitor = try await client.post("/v1/recommend", json: ["history": [["item": "i1", "rating": 5], ["item": "i30", "rating": 2]], "k": 41])
            #expect(try visitor.decode(ServerAnswersTests.ListAnswer.self).items == ServerAnswersTests.listed(other))
            #expect(other.contains { $0.item == "new1" })

            let neighbours = try offline.similar(to: "new1", k: 5)
            let similar = try await client.post("/v1/similar", json: ["item": "new1", "k": 5])
            #expect(try similar.decode(ServerAnswersTests.ListAnswer.self).items.map(\.item) == neighbours.map(\.item))
            #expect(try similar.decode(ServerAnswersTests.ListAnswer.self).items.map(\.similarity) == neighbours.map(\.similarity))
        }
    }

    @Test func theStoredVectorIsTheRowExtractWithTheModelWrites() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let status = try await ServedRun.withServer(over: run.folder) { client in try await client.post("/v1/items", json: PostedRun.row).status }
        #expect(status == 201)
        let stored = try #require(try run.store.read().items.first)
        let output = run.root.appendingPathComponent("extracted")
        var extraction = OfflineExtraction(spec: try run.extendedSpec(), run: run.folder, output: output)
        extraction.quiet = true
        extraction.threads = 1
        _ = try extraction.execute()
        let ids = try String(contentsOf: output.appendingPathComponent("item_ids.txt"), encoding: .utf8).split(separator: "\n")
        let row = try #require(ids.firstIndex(of: "new1"))
        let vectors = try NumpyRows(output.appendingPathComponent("item_embeddings.npy"))
        #expect(vectors.row(row) == stored.vector)
        #expect(stored.row == PostedRun.row)
    }
}

/// The rows of a 2-d float32 .npy file (NumPy format 1.0: magic, version, a little-endian
/// header length, the header, then the values row by row).
struct NumpyRows {
    let values: [Float]
    let width: Int

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        let shape = try #require(header.split(separator: "(").last?.split(separator: ")").first)
        width = try #require(Int(shape.split(separator: ",")[1].trimmingCharacters(in: .whitespaces)))
        let body = data[(10 + headerLength)...]
        values = stride(from: body.startIndex, to: body.endIndex, by: 4).map { k in
            Float(bitPattern: body[k..<k + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
    }

    func row(_ r: Int) -> [Float] { Array(values[(r * width)..<((r + 1) * width)]) }
}
