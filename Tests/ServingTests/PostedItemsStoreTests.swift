import FeaturePipeline
import Foundation
@testable import Serving
import Testing

/// POST /v1/items refuses bad rows with the catalog loader's reasons, and the run's item store
/// keeps what it accepted across a restart, a reload and a retrain; a torn or damaged line is
/// dropped with a warning.
@Suite struct PostedItemsStoreTests {
    @Test func badRowsGetTheirStatusAndAnErrorNamingTheColumn() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let cases: [(body: String, status: Int, code: String, names: String)] = [
            (#"{"title": "no id"}"#, 400, "bad_item", "column 'item_id'"),
            (#"{"item_id": "n2", "titel": "typo"}"#, 400, "bad_item", "column 'titel'"),
            (#"{"item_id": "n2", "title": {"nested": 1}}"#, 400, "bad_item", "column 'title'"),
            (#"[{"item_id": "n2"}, {"item_id": " n2 "}]"#, 400, "bad_item", "item 2, column 'item_id': id 'n2' is given twice"),
            (#"[{"item_id": "n2"}, {"item_id": "n3"}, {"item_id": "n4"}]"#, 400, "over_limit", "items is 3; the limit is 2"),
            (#"{"item_id": "i5", "title": "a catalog id"}"#, 409, "item_exists", "'i5' is already in the model's catalog"),
            (#"{"item_id": "new1", "title": "again"}"#, 409, "item_exists", "'new1' is already posted"),
            (#"{"item_id": "n2", "title": "#, 400, "bad_json", "not valid JSON"),
            (#"[]"#, 400, "bad_item", "lists no items"),
            (#"["just text"]"#, 400, "bad_item", "not an object"),
        ]
        try await ServedRun.withServer({ $0.configuration.maxItems = 2 }, over: run.folder) { client in
            #expect(try await client.post("/v1/items", json: PostedRun.row).status == 201)
            for bad in cases {
                let answer = try await client.post("/v1/items", body: Data(bad.body.utf8))
                #expect(answer.status == bad.status, "\(bad.body): \(String(decoding: answer.body, as: UTF8.self))")
                let error = try #require(try answer.object["error"] as? [String: String], "\(bad.body)")
                #expect(error["code"] == bad.code, "\(bad.body)")
                #expect(error["message"]?.contains(bad.names) == true, "\(bad.body): \(error["message"] ?? "")")
                #expect(error["hint"]?.isEmpty == false)
            }
            let big = try await client.post("/v1/items", body: Data(String(repeating: " ", count: 2 << 20).utf8) + Data("{}".utf8))
            #expect(big.status == 413)
        }
        #expect(try run.store.read().items.map(\.id) == ["new1"])
    }

    @Test func postedItemsSurviveARestartAndAReload() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let ask = ["user": "u3", "items": ["new1", "new2"]] as [String: Any]
        let first = try await ServedRun.withServer(over: run.folder) { client in
            let batch = [PostedRun.row, ["item_id": "new2", "title": "shade4 beat1", "genre": "noir"]]
            #expect(try await client.post("/v1/items", json: batch).status == 201)
            return try await client.post("/v1/predict", json: ask).body
        }
        try await ServedRun.withServer(over: run.folder) { client in
            let again = try await client.post("/v1/predict", json: ask)
            #expect(again.status == 200)
            #expect(again.body == first)
            #expect(try await client.post("/admin/reload", json: [:]).status == 200)
            #expect(try await client.post("/v1/predict", json: ask).body == first)
            // An item posted after the reload is stored after those before it.
            #expect(try await client.post("/v1/items", json: ["item_id": "new3", "genre": "drama"]).status == 201)
        }
        #expect(try run.store.read().items.map(\.id) == ["new1", "new2", "new3"])
    }

    /// A reload puts its model in the slot only once it has every item posted meanwhile.
    @Test func itemsPostedDuringReloadsAreNeverLost() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let ids = (0..<24).map { "p\($0)" }
        try await ServedRun.withServer({ $0.configuration.watchInterval = .zero }, over: run.folder) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for (k, id) in ids.enumerated() {
                        let answer = try await client.post("/v1/items", json: ["item_id": id, "title": "tone\(k % 5) beat\(k % 3)"])
                        #expect(answer.status == 201, "\(id)")
                    }
                }
                group.addTask {
                    for _ in 0..<4 {
                        try await Task.sleep(for: .milliseconds(15))
                        #expect(try await client.post("/admin/reload", json: [:]).status == 200)
                    }
                }
                try await group.waitForAll()
            }
            let answer = try await client.post("/v1/predict", json: ["user": "u3", "items": ids])
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        }
        #expect(try run.store.read().items.map(\.id) == ids)
    }

    @Test func aTornTailAndADamagedLineAreDroppedWithAWarning() async throws {
        let run = try PostedRun()
        defer { run.remove() }
        let status = try await ServedRun.withServer(over: run.folder) { client in
            try await client.post("/v1/items", json: [PostedRun.row, ["item_id": "new2", "genre": "noir"]]).status
        }
        #expect(status == 201)
        // new2's line damaged but still JSON (a byte of its genre changed: only its hash tells),
        // then a line cut short by a crash.
        var bytes = try Data(contentsOf: run.store.url)
        let genre = try #require(bytes.range(of: Data(#""genre":"noir""#.utf8)))
        bytes[genre.upperBound - 2] = UInt8(ascii: "x")
        let complete = bytes.count
        bytes += Data(#"{"id":"new3","manif"#.utf8)
        try bytes.write(to: run.store.url)

        let contents = try run.store.read()
        #expect(contents.items.map(\.id) == ["new1"])
        #expect(contents.warnings.count == 2)
        #expect(contents.warnings.contains { $0.contains("line 2 is damaged") })
        #expect(contents.warnings.contains { $0.contains("line 3 is incomplete") })
        #expect(contents.incompleteTail && contents.completeBytes == complete)

        try await ServedRun.withServer(over: run.folder) { client in
            let answer = try await client.post("/v1/predict", json: ["user": "u3", "items": ["new1"]])
            #expect(answer.status == 200)
            #expect(try await client.post("/v1/predict", json: ["user": "u3", "items": ["new2"]]).status == 404)
            // The torn tail was cut off, so this item starts a line of its own.
            #expect(try await client.post("/v1/items", json: ["item_id": "new3", "genre": "jazz"]).status == 201)
        }
        let after = try run.store.read()
        #expect(after.items.map(\.id) == ["new1", "new3"])
        #expect(after.warnings.count == 1 && !after.incompleteTail)
    }

    /// A store written by one model, read by a run retrained since: its items are embedded again
    /// from their rows by the new model, and scored as that model scores a cold catalog item.
    @Test func itemsOfAnotherModelAreEmbeddedAgainFromTheirRows() async throws {
        let posted = try PostedRun()
        defer { posted.remove() }
        let status = try await ServedRun.withServer(over: posted.folder) { client in try await client.post("/v1/items", json: PostedRun.row).status }
        #expect(status == 201)
        let retrained = try PostedRun(of: ServedRun.otherFolder())
        defer { retrained.remove() }
        try FileManager.default.createDirectory(at: retrained.store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: posted.store.url, to: retrained.store.url)

        let run = try TrainedRun(directory: retrained.folder)
        let old = try #require(try retrained.store.read().items.first)
        #expect(old.manifestSHA256 != run.manifestSHA256)
        #expect(try run.addItemStore() == [])
        let cold = try TrainedRun(directory: ServedRun.otherFolder()).predict(user: "u3", item: "new1", catalogOf: posted.extendedSpec())
        let prediction = try run.predict(user: "u3", item: "new1").prediction
        #expect(abs(prediction - cold.prediction) <= 1e-5, "\(prediction) vs \(cold.prediction)")
    }
}
