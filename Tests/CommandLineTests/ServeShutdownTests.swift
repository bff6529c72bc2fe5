import Foundation
import TestSupport
import Testing
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// SIGHUP to the real binary reloads its run; SIGTERM while a slow client is mid-request: the request still gets its
/// answer, and the process exits 0 well within 10 s. (The server closes idle connections at
/// once, so readiness turning 503 is checked in process, OperationsTests.)
@Suite struct ServeShutdownTests {
    @Test func sigtermDrainsTheRequestInFlightAndExits() async throws {
        let run = try FixtureRun.directory().path
        let (process, stderr) = try ServeCommandTests.start(["serve", run, "--port", "0", "--threads", "1", "--watch-interval", "0"])
        defer { if process.isRunning { process.interrupt(); process.waitUntilExit() } }
        let port = try await ServeCommandTests.readyPort(in: stderr)

        // SIGHUP reloads the run (verified, swapped in) and the server keeps serving.
        kill(process.processIdentifier, SIGHUP)
        #expect(try await ServeCommandTests.waitFor(in: stderr) { $0.contains("reloaded (SIGHUP): now serving manifest") ? true : nil })

        // A request whose body is half sent: in flight until the rest arrives.
        let body = #"{"user": "u0001", "k": 3}"#
        let slow = try RawHTTPConnection(port: port)
        slow.send(RawHTTPConnection.postHead("/v1/recommend", bodyBytes: body.utf8.count) + body.prefix(8))
        // SIGTERM only once the server counts it in flight (a loaded machine may take a while to
        // read the head; signalled before that, the server rightly has nothing to drain).
        try await Self.waitUntilInFlight(port: port, count: 2)  // the slow request and the /metrics request asking

        let signalled = ContinuousClock.now
        process.terminate()  // SIGTERM
        try await Task.sleep(for: .milliseconds(300))
        #expect(process.isRunning, "the server waits for the request in flight")

        slow.send(String(body.dropFirst(8)))
        let answer = slow.readAnswer()
        #expect(RawHTTPConnection.status(of: answer) == 200, "\(answer)")
        #expect(answer.contains("\"items\""))
        for _ in 0..<500 where process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning && process.terminationStatus == 0, "\(stderr.text)")
        #expect(ContinuousClock.now - signalled < .seconds(10))
        #expect(stderr.text.contains("stopped after"))
    }

    /// Polls /metrics until `pipeline_serve_requests_in_flight` reaches `count` (10 s at most).
    static func waitUntilInFlight(port: Int, count: Double) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/metrics")!
        for _ in 0..<500 {
            let text = String(decoding: try await URLSession.shared.data(from: url).0, as: UTF8.self)
            let line = text.split(separator: "\n").first { $0.hasPrefix("pipeline_serve_requests_in_flight ") }
            if let value = line.flatMap({ Double($0.split(separator: " ")[1]) }), value >= count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the server never counted the slow request in flight")
    }
}
