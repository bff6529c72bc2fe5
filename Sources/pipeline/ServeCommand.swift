import ArgumentParser
import Dispatch
import FeaturePipeline
import Foundation
import Logging
import Serving
import Synchronization

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer predictions, recommendations and similar items over HTTP (JSON).",
        discussion: """
            Listens on --host:--port and loads the run beside it: GET /health/ready
            answers 200 once it is loaded. POST /v1/predict, /v1/recommend and
            /v1/similar answer with what `predict`, `recommend` and `similar` print for
            the same input. Every error is JSON: {"error": {"code", "message", "hint"}}.
            SIGHUP, POST /admin/reload (from this machine) or a new manifest.json loads
            the run again beside the serving model and swaps it in once verified.
            GET /metrics is Prometheus text. SIGTERM or Ctrl-C turns /health/ready to
            503, stops taking connections, finishes the requests in flight and exits 0
            (after 10 s it exits 1 regardless). The server has no authentication: it listens on loopback
            unless --host names another address. docs/serving.md has each endpoint.

            Examples:
              pipeline serve runs/demo
              pipeline serve runs/demo --port 9000 --verbose
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Option(help: "The address to listen on (another than loopback makes the server reachable from other machines).")
    var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port, logged).") var port = 8080
    @Option(help: "Event-loop threads for connections (default: one per core).") var threads: Int?
    @Option(help: "Requests answered at once; more wait in the queue.") var maxConcurrent = 64
    @Option(help: "Requests that may wait for a turn; past that, 503 overloaded with Retry-After.") var maxQueue = 256
    @Option(help: "Seconds between checks of manifest.json for a new export to reload (0: no watch).") var watchInterval = 2.0
    @Option(help: ArgumentHelp("A run ranking by the rating: candidates (best dot-product part) the full model re-ranks per list; 0 scores every item (default: every item up to 100 000 items, 2 000 above).",
                               valueName: "n"))
    var candidates: Int?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        try ArgumentChecks.path(runFolder, "run folder")
        if let candidates, candidates < 0 { throw ValidationError("--candidates \(candidates) is out of range (hint: 0 for every item, or a count)") }
        try ArgumentChecks.path(host, "--host address")
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is out of range (hint: 1 to 65535, or 0 for any free port)") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads \(threads) is out of range (hint: 1 to 256)") }
        guard maxConcurrent >= 1 else { throw ValidationError("--max-concurrent \(maxConcurrent) is out of range (hint: at least 1)") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue \(maxQueue) is out of range (hint: 0 or more)") }
        guard watchInterval >= 0, watchInterval.isFinite else { throw ValidationError("--watch-interval \(watchInterval) is out of range (hint: seconds, 0 to turn the watch off)") }
    }

    func run() throws {
        common.bootstrap()
        // A reload frees the old model's matrices: returned to the system, not kept in the heap.
        ProcessSetup.returnLargeBuffersToSystem()
        let logger = Logger(label: "pipeline.serve")
        if !ServeConfiguration.isLoopback(host) {
            logger.warning("listening on \(host): other machines can reach this server, which has no authentication")
        }
        var configuration = ServeConfiguration(host: host, port: port)
        configuration.threads = threads
        configuration.maxConcurrent = maxConcurrent
        configuration.maxQueued = maxQueue
        configuration.watchInterval = .milliseconds(Int(watchInterval * 1000))
        configuration.candidates = candidates
        let server = ModelServer(runFolder: URL(fileURLWithPath: runFolder), configuration: configuration, logger: logger)
        try reportingErrors { try waitFor { try await server.run() } }
    }
}

/// Runs `body` to its end and waits for it here: the tool's commands are synchronous, the
/// server is not. (The calling thread only waits; the server runs on Swift's and NIO's threads.)
private func waitFor(_ body: @escaping @Sendable () async throws -> Void) throws {
    final class Outcome: Sendable {
        let result = Mutex<Result<Void, any Error>>(.success(()))
        let done = DispatchSemaphore(value: 0)
    }
    let outcome = Outcome()
    Task {
        do { try await body() } catch { outcome.result.withLock { $0 = .failure(error) } }
        outcome.done.signal()
    }
    outcome.done.wait()
    try outcome.result.withLock { $0 }.get()
}
