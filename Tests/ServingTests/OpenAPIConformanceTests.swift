import Foundation
import Testing

/// The server answers as docs/openapi.yaml says: every operation's example request gets a
/// documented status and a body that fits that status's schema, the bad requests below get
/// error bodies that fit theirs, and the server has no route the document leaves out.
@Suite struct OpenAPIConformanceTests {
    let document: OpenAPIDocument

    init() throws { document = try OpenAPIDocument.load() }

    @Test func examplesFitTheirRequestSchemas() throws {
        for operation in document.operations {
            guard let schema = operation.requestSchema else { continue }
            let example = try #require(operation.example, "\(operation.method) \(operation.path) has a body but no example")
            #expect(document.violations(of: example, against: schema) == [], "\(operation.method) \(operation.path)")
        }
    }

    @Test func everyExampleIsAnsweredAsDocumented() async throws {
        // A copy of the run: the example of POST /v1/items adds an item to its store.
        let run = try PostedRun()
        defer { run.remove() }
        try await ServedRun.withServer(over: run.folder) { client in
            for operation in document.operations {
                let answer = try await operation.method == "GET"
                    ? client.get(operation.path)
                    : client.post(operation.path, body: try #require(operation.example).data)
                let created = operation.path == "/v1/items"
                #expect(answer.status == (created ? 201 : 200), "\(operation.method) \(operation.path): \(String(decoding: answer.body, as: UTF8.self))")
                try check(answer, of: operation)
                if operation.path.hasPrefix("/v1/") { #expect(answer.header("X-Model-Manifest")?.count == 12, "\(operation.path)") }
            }
        }
    }

    @Test func errorsFitTheErrorSchema() async throws {
        let bad: [(path: String, body: String, status: Int)] = [
            ("/v1/predict", #"{"user": "nobody", "items": ["i7"]}"#, 404),
            ("/v1/predict", #"{"user": u1}"#, 400),
            ("/v1/recommend", #"{"user": "u1", "k": 5000}"#, 400),
            ("/v1/recommend", #"{"k": 3}"#, 400),
            ("/v1/similar", #"{"item": "nothing"}"#, 404),
            ("/v1/similar", String(repeating: " ", count: 2 << 20) + "{}", 413),
            ("/v1/items", #"{"item_id": "i7"}"#, 409),
            ("/v1/items", #"{"item_id": "n1", "nested": {"a": 1}}"#, 400),
        ]
        try await ServedRun.withServer { client in
            for request in bad {
                let answer = try await client.post(request.path, body: Data(request.body.utf8))
                #expect(answer.status == request.status, "\(request.path) \(request.body.prefix(60))")
                let operation = try #require(document.operations.first { $0.path == request.path })
                try check(answer, of: operation)
            }
        }
    }

    /// The routes the server names when asked for one it does not have are the document's.
    @Test func theServerHasTheDocumentsRoutesAndNoOthers() async throws {
        let answer = try await ServedRun.withServer { client in try await client.get("/no/such/route") }
        #expect(answer.status == 404)
        try check(answer, schema: try #require(document.root["components"]?["schemas"]?["Error"]))
        let hint = try #require(try JSONValue.parse(answer.body)["error"]?["hint"])
        guard case .string(let text) = hint, let list = text.split(separator: ":", maxSplits: 1).last else {
            Issue.record("no route list in \(hint)")
            return
        }
        let served = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
        #expect(served == document.operations.map { "\($0.method) \($0.path)" }.sorted())
    }

    private func check(_ answer: TestClient.Answer, of operation: OpenAPIDocument.Operation) throws {
        let documented = try #require(document.response(operation, status: answer.status),
                                      "\(operation.method) \(operation.path) does not document status \(answer.status)")
        guard documented.mediaType == "application/json" else {
            #expect(answer.contentType?.hasPrefix(documented.mediaType) == true, "\(operation.path): \(answer.contentType ?? "no type")")
            return
        }
        try check(answer, schema: documented.schema)
    }

    private func check(_ answer: TestClient.Answer, schema: JSONValue) throws {
        #expect(answer.contentType?.hasPrefix("application/json") == true)
        let body = try JSONValue.parse(answer.body)
        #expect(document.violations(of: body, against: schema) == [], "\(body)")
    }
}

/// The checker itself finds what it is there to find.
@Suite struct OpenAPICheckerTests {
    @Test func findsMissingWrongAndExtraMembers() throws {
        let document = try OpenAPIDocument.load()
        let error = try #require(document.root["components"]?["schemas"]?["Error"])
        let wrong = try JSONValue.parse(Data(#"{"error": {"code": 3, "message": "m"}, "trace": "x"}"#.utf8))
        let found = document.violations(of: wrong, against: error)
        #expect(found.contains("$.error: missing hint"))
        #expect(found.contains { $0.hasPrefix("$.error.code:") })
        #expect(found.contains("$: trace is not in the schema"))
        let listed = try #require(document.root["components"]?["schemas"]?["RecommendResponse"])
        let badRank = try JSONValue.parse(Data(#"{"items": [{"rank": 0.5, "item": "i1"}]}"#.utf8))
        #expect(document.violations(of: badRank, against: listed).count == 1)
    }
}
