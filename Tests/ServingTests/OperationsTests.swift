import FeaturePipeline
import Foundation
import NIOCore
@testable import Serving
import Synchronization
import TestSupport
import Testing

/// /metrics, the bounded queue, and the header naming the answering model.
@Suite struct OperationsTests {
    /// `name{labels} value` lines of exposition text, keyed by everything before the value.
    static func samples(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let cut = try #require(line.lastIndex(of: " "), "\(line)")
            let value = String(line[line.index(after: cut)...])
            samples[String(line[..<cut])] = try #require(value == "+Inf" ? .infinity : Double(value), "\(line)")
        }
        return samples
    }

    @Test func metricsCountWhatWasSent() async throws {
        try await ServedRun.withServer { client in
            for _ in 0..<3 { #expect(try await client.post("/v1/predict", json: ["user": "u3", "items": ["i5"]]).status == 200) }
            #expect(try await client.post("/v1/predict", json: ["user": "nobody", "items": ["i5"]]).status == 404)
            let answer = try await client.get("/metrics")
            #expect(answer.status == 200)
            #expect(answer.contentType == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(decoding: answer.body, as: UTF8.self)
            let samples = try Self.samples(text)
            let ok = #"route="/v1/predict",status="200""#
            #expect(samples["pipeline_serve_requests_total{\(ok)}"] == 3)
            #expect(samples[#"pipeline_serve_requests_total{route="/v1/predict",status="404"}"#] == 1)
            #expect(samples["pipeline_serve_request_duration_seconds_bucket{\(ok),le=\"+Inf\"}"] == 3)
            #expect(samples["pipeline_serve_request_duration_seconds_count{\(ok)}"] == 3)
            #expect(samples["pipeline_serve_reloads_total"] == 0)
            #expect(samples["pipeline_serve_rejected_requests_total"] == 0)
            #expect(samples["pipeline_serve_requests_in_flight"] == 1, "this very request")  // the /metrics request itself
            let manifest = try TrainedRunInfo.manifest()
            #expect(samples[#"pipeline_serve_model_info{pipeline="served",manifest_sha256="\#(manifest)"}"#] == 1)
            #expect((samples["pipeline_serve_model_loaded_timestamp_seconds"] ?? 0) > Date().timeIntervalSince1970 - 600)
            // Every family is declared once, before its samples.
            let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
            #expect(Set(types).count == types.count && types.count == 9, "\(types)")
        }
    }

    @Test func everyModelAnswerNamesItsManifest() async throws {
        let manifest = try TrainedRunInfo.manifest()
        try await ServedRun.withServer { client in
            let ok = try await client.post("/v1/recommend", json: ["user": "u3", "k": 2])
            let missing = try await client.post("/v1/recommend", json: ["user": "nobody", "k": 2])
            for answer in [ok, missing] { #expect(answer.header("X-Model-Manifest") == String(manifest.prefix(12))) }
            #expect(try await client.get("/health/ready").header("X-Model-Manifest") == nil)
        }
    }

    /// A server that answers one request at a time with no queue, its one turn held: the next
    /// request gets 503 `overloaded` with Retry-After, and is answered once the turn is free.
    @Test func overloadIsAnsweredWith503AndRetryAfter() async throws {
        let gate = AdmissionGate(concurrent: 1, queued: 0)
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let held = Atomic(false)
        let holder = Task {
            await gate.withTurn {
                held.store(true, ordering: .relaxed)
                for await _ in release { break }
            }
        }
        while !held.load(ordering: .relaxed) { await Task.yield() }
        try await ServedRun.withServer({ $0.gate = gate }) { client in
            let body = Data(#"{"user": "u3", "items": ["i5"]}"#.utf8)
            let answer = try await client.post("/v1/predict", body: body)
            #expect(answer.status == 503)
            #expect(answer.header("Retry-After") == "1")
            #expect(try (answer.object["error"] as? [String: Any])?["code"] as? String == "overloaded")
            #expect(try await client.get("/health/ready").status == 200, "health is not queued")
            releaser.yield()
            _ = await holder.value
            #expect(try await client.post("/v1/predict", body: body).status == 200)
            let metrics = try Self.samples(String(decoding: try await client.get("/metrics").body, as: UTF8.self))
            #expect(metrics["pipeline_serve_rejected_requests_total"] == 1)
        }
    }

    /// Once shutdown begins, readiness says so while the server still answers.
    @Test func aDrainingServerIsNotReady() async throws {
        try await ServedRun.withServer({ $0.slot.drain() }, waitForModel: false) { client in
            let answer = try await client.get("/health/ready")
            #expect(answer.status == 503)
            #expect(try answer.object["status"] as? String == "stopping")
            #expect(try await client.get("/health/live").status == 200)
        }
    }

    @Test func theGateAdmitsQueuesInOrderAndRefusesPastTheQueue() async throws {
        let gate = AdmissionGate(concurrent: 1, queued: 1)
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let entered = Atomic(false)
        async let first: Int? = gate.withTurn {
            entered.store(true, ordering: .relaxed)
            for await _ in release { break }
            return 1
        }
        while !entered.load(ordering: .relaxed) { await Task.yield() }
        async let second: Int? = gate.withTurn { 2 }
        while gate.waitingCount == 0 { await Task.yield() }
        #expect(await gate.withTurn { 3 } == nil, "the queue holds one")
        releaser.yield()
        #expect(await first == 1)
        #expect(await second == 2)
        #expect(await gate.withTurn { 4 } == 4)
    }

    /// /admin/reload answers only peers on this machine (the server's tests all are: the
    /// refusal is checked on the addresses themselves).
    @Test func onlyLoopbackPeersMayReload() throws {
        for peer in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            #expect(ServingContext.isLoopback(try SocketAddress(ipAddress: peer, port: 5000)), "\(peer)")
        }
        for peer in ["10.0.0.1", "192.168.1.7", "::ffff:10.0.0.1", "fe80::1"] {
            #expect(!ServingContext.isLoopback(try SocketAddress(ipAddress: peer, port: 5000)), "\(peer)")
        }
        #expect(!ServingContext.isLoopback(nil))
    }

    @Test func prometheusTextEscapesAndSpellsNumbers() {
        var text = PrometheusText()
        text.family("m", .gauge, help: "a\\b\nc")
        text.sample("m", [("l", "q\"\\\n")], 2.5)
        text.sample("m", 3)
        #expect(text.text == "# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{l=\"q\\\"\\\\\\n\"} 2.5\nm 3\n")
        #expect(PrometheusText.number(.infinity) == "+Inf")
    }
}

enum TrainedRunInfo {
    /// The SHA-256 of the served run's manifest.json.
    static func manifest() throws -> String {
        try ContentHash.hex(fileAt: ServedRun.folder().appendingPathComponent("manifest.json"))
    }
}
