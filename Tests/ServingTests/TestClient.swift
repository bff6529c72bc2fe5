import Foundation
import Testing
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// HTTP over loopback with URLSession (kept-alive connections: a graceful shutdown of the
/// server closes the idle ones).
struct TestClient {
    let port: Int

    struct Answer {
        var status: Int
        var contentType: String?
        var body: Data
        var headers: [String: String] = [:]

        /// A response header by name, any case.
        func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }

        func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T { try JSONDecoder().decode(T.self, from: body) }

        /// The body as a JSON object (an error if it is not one).
        var object: [String: Any] {
            get throws { try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "\(String(decoding: body, as: UTF8.self))") }
        }
    }

    func get(_ path: String) async throws -> Answer { try await send(path, method: "GET", body: nil) }

    func post(_ path: String, body: Data) async throws -> Answer { try await send(path, method: "POST", body: body) }

    func post(_ path: String, json: Any) async throws -> Answer {
        try await post(path, body: JSONSerialization.data(withJSONObject: json))
    }

    private func send(_ path: String, method: String, body: Data?) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 30)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        let headers = http.allHeaderFields.reduce(into: [String: String]()) { $0["\($1.key)"] = "\($1.value)" }
        return Answer(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data, headers: headers)
    }

    /// Polls /health/ready until it answers 200 (10 s at most).
    func waitUntilReady() async throws {
        for _ in 0..<500 {
            if try await get("/health/ready").status == 200 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the server did not become ready in 10 s")
    }
}
