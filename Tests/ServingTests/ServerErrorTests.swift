import Foundation
@testable import Serving
import Testing

/// Each bad request gets its status and the one JSON error body, `{"error": {"code",
/// "message", "hint"}}`, whose message names what was wrong.
@Suite struct ServerErrorTests {
    /// (what is sent, status, code, words the message must contain)
    struct BadRequest: Sendable, CustomStringConvertible {
        var method = "POST"
        var path: String
        var body: String
        var status: Int
        var code: String
        var words: [String]
        var description: String { "\(method) \(path) \(body.prefix(80))" }
    }

    static let many = (0...1000).map { "\"i\($0 % 40)\"" }.joined(separator: ",")
    static let longHistory = (0...1000).map { "{\"item\": \"i\($0 % 40)\", \"rating\": 3}" }.joined(separator: ",")

    static let cases: [BadRequest] = [
        .init(path: "/v1/predict", body: #"{"user": "nobody", "items": ["i1"]}"#, status: 404, code: "unknown_user", words: ["'nobody'"]),
        .init(path: "/v1/predict", body: #"{"user": "u1", "items": ["i1", "no-such"]}"#, status: 404, code: "unknown_item", words: ["'no-such'"]),
        .init(path: "/v1/recommend", body: #"{"user": "nobody", "k": 3}"#, status: 404, code: "unknown_user", words: ["'nobody'"]),
        .init(path: "/v1/similar", body: #"{"item": "i99", "k": 3}"#, status: 404, code: "unknown_item", words: ["'i99'"]),
        .init(path: "/v1/predict", body: #"{"user": "u1", "items": ["i1"#, status: 400, code: "bad_json", words: ["not valid JSON", "end of file"]),
        .init(path: "/v1/recommend", body: #"{"user": u1}"#, status: 400, code: "bad_json", words: ["not valid JSON", "character 9"]),
        .init(path: "/v1/predict", body: "", status: 400, code: "bad_json", words: ["empty"]),
        .init(path: "/v1/predict", body: #"{"user": "u1", "items": "i1"}"#, status: 400, code: "bad_request", words: ["items", "a list"]),
        .init(path: "/v1/predict", body: #"{"items": ["i1"]}"#, status: 400, code: "bad_request", words: ["'user'"]),
        .init(path: "/v1/predict", body: #"{"user": "u1", "items": [\#(many)]}"#, status: 400, code: "over_limit", words: ["1001", "1000"]),
        .init(path: "/v1/recommend", body: #"{"user": "u1", "k": 1001}"#, status: 400, code: "over_limit", words: ["k", "1000"]),
        .init(path: "/v1/recommend", body: #"{"user": "u1", "k": 0}"#, status: 400, code: "bad_request", words: ["k is 0"]),
        .init(path: "/v1/recommend", body: #"{"history": [\#(longHistory)]}"#, status: 400, code: "over_limit", words: ["history", "1000"]),
        .init(path: "/v1/recommend", body: #"{"user": "u1", "exclude": [\#(many)]}"#, status: 400, code: "over_limit", words: ["exclude", "1000"]),
        .init(path: "/v1/recommend", body: #"{"user": "u1", "history": [], "k": 3}"#, status: 400, code: "bad_request", words: ["one of them"]),
        .init(path: "/v1/recommend", body: #"{"k": 3}"#, status: 400, code: "bad_request", words: ["one of them"]),
        .init(path: "/v1/recommend", body: #"{"user": "u1", "exclude_seen": "some"}"#, status: 400, code: "bad_request", words: ["'some'"]),
        .init(path: "/v1/recommend", body: #"{"user": "u1", "fields": ["colour"]}"#, status: 400, code: "unknown_field", words: ["'colour'"]),
        .init(path: "/v1/similar", body: #"{"item": "i1", "k": 5000}"#, status: 400, code: "over_limit", words: ["5000", "1000"]),
        .init(path: "/v1/nothing", body: "{}", status: 404, code: "no_route", words: ["/v1/nothing"]),
        .init(method: "GET", path: "/v1/predict", body: "", status: 404, code: "no_route", words: ["GET /v1/predict"]),
    ]

    @Test func everyBadRequestGetsItsStatusAndAJSONError() async throws {
        try await ServedRun.withServer { client in
            for bad in Self.cases {
                let answer = try await bad.method == "GET" ? client.get(bad.path) : client.post(bad.path, body: Data(bad.body.utf8))
                #expect(answer.status == bad.status, "\(bad)")
                try Self.expectErrorBody(answer, code: bad.code, words: bad.words, "\(bad)")
            }
        }
    }

    /// A body over the size limit (1 MiB) is refused before it is decoded.
    @Test func anOversizedBodyGets413() async throws {
        try await ServedRun.withServer { client in
            let items = String(repeating: "\"i1\",", count: 220_000)
            let answer = try await client.post("/v1/predict", body: Data(#"{"user": "u1", "items": [\#(items)"i1"]}"#.utf8))
            #expect(answer.status == 413)
            try Self.expectErrorBody(answer, code: "body_too_large", words: ["size limit"], "1.1 MB body")
        }
    }

    /// Until the model is loaded the server is live but not ready, and the model routes say so.
    @Test func beforeTheModelIsLoadedOnlyLivenessAnswers() async throws {
        let (gate, release) = AsyncStream.makeStream(of: Void.self)
        let held: (inout ModelServer) -> Void = { server in
            server.loadModel = { folder, path in
                for await _ in gate { break }
                return try await ModelLoader.readRun(folder: folder, path: path)
            }
        }
        try await ServedRun.withServer(held, waitForModel: false) { client in
            #expect(try await client.get("/health/live").status == 200)
            let ready = try await client.get("/health/ready")
            #expect(ready.status == 503)
            #expect(try ready.object["status"] as? String == "loading")
            let model = try await client.get("/v1/model")
            #expect(model.status == 503)
            try Self.expectErrorBody(model, code: "not_ready", words: ["loading"], "/v1/model while loading")
            let predict = try await client.post("/v1/predict", json: ["user": "u1", "items": ["i1"]])
            #expect(predict.status == 503)
            release.yield()
            try await client.waitUntilReady()
            #expect(try await client.get("/v1/model").status == 200)
        }
    }

    /// Exactly `{"error": {"code", "message", "hint"}}`, as JSON, with `words` in the message.
    static func expectErrorBody(_ answer: TestClient.Answer, code: String, words: [String], _ what: String) throws {
        #expect(answer.contentType?.hasPrefix("application/json") == true, "\(what): \(answer.contentType ?? "no content type")")
        let object = try answer.object
        #expect(object.keys.sorted() == ["error"], "\(what)")
        let error = try #require(object["error"] as? [String: Any], "\(what)")
        #expect(error.keys.sorted() == ["code", "hint", "message"], "\(what): \(error)")
        #expect(error["code"] as? String == code, "\(what): \(error)")
        let message = error["message"] as? String ?? ""
        for word in words { #expect(message.contains(word), "\(what): '\(message)' lacks '\(word)'") }
        #expect(!message.contains("Swift") && !message.contains("Error("), "\(what): internals in '\(message)'")
    }
}
