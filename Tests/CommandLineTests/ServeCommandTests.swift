import Foundation
import TestSupport
import Testing
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `pipeline serve` as a person runs it: it says where it listens and when the model is ready,
/// answers what `pipeline recommend` prints, and on SIGTERM stops cleanly with status 0.
@Suite struct ServeCommandTests {
    /// stderr collected as it arrives.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    @Test func servesTheRunAndStopsOnSIGTERM() async throws {
        let run = try FixtureRun.directory().path
        let (process, stderr) = try Self.start(["serve", run, "--port", "0"])
        defer { if process.isRunning { process.interrupt(); process.waitUntilExit() } }
        let port = try await Self.readyPort(in: stderr)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/recommend")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"user": "u0001", "k": 5}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let served = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let items = try #require(served["items"] as? [[String: Any]])

        let offline = try PipelineProcess.run(["recommend", run, "--user", "u0001", "-k", "5", "--json", "--show", ""])
        let lines = try offline.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(items.map { $0["item"] as? String } == lines.map { $0["item"] as? String })
        #expect(items.map { $0["score"] as? Double } == lines.map { $0["score"] as? Double })

        process.terminate()  // SIGTERM
        let stopped = try await Self.waitFor(in: stderr) { $0.contains("stopped after") ? true : nil }
        #expect(stopped)
        for _ in 0..<500 where process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning && process.terminationStatus == 0, "\(stderr.text)")
        #expect(!stderr.text.contains("error:"), "\(stderr.text)")
    }

    /// `pipeline ARGS` started, its stderr collected as it arrives.
    static func start(_ arguments: [String]) throws -> (Process, Output) {
        let process = PipelineProcess.start(arguments)
        let err = Pipe(), stderr = Output()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
        try process.run()
        return (process, stderr)
    }

    /// The port the server says it listens on, once it says the demo model is ready.
    static func readyPort(in stderr: Output) async throws -> Int {
        try await waitFor(in: stderr) { text -> Int? in
            guard text.contains("ready: pipeline demo"), let range = text.range(of: "listening on 127.0.0.1:") else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
    }

    /// Polls `output` until `found` returns a value (20 s at most).
    static func waitFor<T>(in output: Output, _ found: (String) -> T?) async throws -> T {
        for _ in 0..<1000 {
            if let value = found(output.text) { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Timeout(stderr: output.text)
    }

    struct Timeout: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "pipeline serve did not say it in 20 s; stderr: \(stderr)" }
    }
}
