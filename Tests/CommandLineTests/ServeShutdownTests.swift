import Foundation
import TestSupport
import Testing

/// SIGHUP to the real binary reloads its run; SIGTERM while a slow client is mid-request: the request still gets its
/// answer, and the process exits 0 well within 10 s. (The server closes idle connections at
/// once, so readiness turning 503 is checked in process, OperationsTests.)
///
/// The test is synchronous on purpose: its pauses and clocks are the wall clock's. An async test's
/// `Task.sleep` waits for a thread of the cooperative pool, which the suite's synchronous tests can
/// hold for many seconds — long past the server's 8 s drain limit, which it then rightly enforces.
@Suite struct ServeShutdownTests {
    @Test func sigtermDrainsTheRequestInFlightAndExits() throws {
        let run = try FixtureRun.directory().path
        let (process, stderr) = try ServeCommandTests.start(["serve", run, "--port", "0", "--threads", "1", "--watch-interval", "0"])
        defer { if process.isRunning { process.interrupt(); process.waitUntilExit() } }
        let port = try Self.poll(stderr) { text -> Int? in
            guard text.contains("ready: pipeline demo"), let range = text.range(of: "listening on 127.0.0.1:") else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }

        // SIGHUP reloads the run (verified, swapped in) and the server keeps serving.
        kill(process.processIdentifier, SIGHUP)
        #expect(try Self.poll(stderr) { $0.contains("reloaded (SIGHUP): now serving manifest") ? true : nil })

        // A request whose body is half sent: in flight until the rest arrives.
        let body = #"{"user": "u0001", "k": 3}"#
        let slow = try RawHTTPConnection(port: port)
        slow.send(RawHTTPConnection.postHead("/v1/recommend", bodyBytes: body.utf8.count) + body.prefix(8))
        // SIGTERM only once the server counts it in flight (a loaded machine may take a while to
        // read the head; signalled before that, the server rightly has nothing to drain).
        try Self.waitUntilInFlight(port: port, count: 2)  // the slow request and the /metrics request asking

        process.terminate()  // SIGTERM
        usleep(300_000)
        #expect(process.isRunning, "the server waits for the request in flight: \(stderr.text)")

        slow.send(String(body.dropFirst(8)))
        let answer = slow.readAnswer()
        #expect(RawHTTPConnection.status(of: answer) == 200, "\(answer)")
        #expect(answer.contains("\"items\""))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr.text)")
        // The server's own count from the signal to its last line: under 10 s (its hard limit).
        let drained = try Self.poll(stderr) { text -> Double? in
            guard let range = text.range(of: "s after the signal") else { return nil }
            return Double(text[..<range.lowerBound].split(separator: " ").last ?? "")
        }
        #expect(drained < 10, "\(stderr.text)")
        #expect(stderr.text.contains("stopped after"), "\(stderr.text)")
    }

    /// Polls `output` until `found` returns a value (20 s at most), sleeping on this thread.
    static func poll<T>(_ output: ServeCommandTests.Output, _ found: (String) -> T?) throws -> T {
        for _ in 0..<1000 {
            if let value = found(output.text) { return value }
            usleep(20_000)
        }
        throw ServeCommandTests.Timeout(stderr: output.text)
    }

    /// Polls /metrics until `pipeline_serve_requests_in_flight` reaches `count` (10 s at most).
    static func waitUntilInFlight(port: Int, count: Double) throws {
        for _ in 0..<500 {
            let metrics = try RawHTTPConnection(port: port)
            metrics.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            let line = metrics.readAnswer().split(separator: "\n").first { $0.hasPrefix("pipeline_serve_requests_in_flight ") }
            if let value = line.flatMap({ Double($0.split(separator: " ")[1]) }), value >= count { return }
            usleep(20_000)
        }
        Issue.record("the server never counted the slow request in flight")
    }
}
