import FeaturePipeline
import Foundation
import Logging
@testable import Serving
import TestSupport
import Testing

/// A tiny run trained once per test process (`TinyCatalog` with a title and a genre per item,
/// two epochs: about a second), and a server over it on a free loopback port.
enum ServedRun {
    private static let trained: Result<URL, any Error> = Result {
        let dir = Repository.temporaryDirectory("served-run")
        atexit { ServedRun.remove() }
        try writeData(dir)
        var options = RunOptions()
        options.quiet = true
        options.threads = 1
        _ = try PipelineRunner(spec: PipelineSpec.load(dir.appendingPathComponent("served.yaml")), options: options).run()
        return dir.appendingPathComponent("run")
    }

    /// Removes the run's temporary folder when the test process exits.
    private static func remove() {
        if let run = try? trained.get() { try? FileManager.default.removeItem(at: run.deletingLastPathComponent()) }
    }

    /// The run folder (trained on first use).
    static func folder() throws -> URL { try trained.get() }

    static func writeData(_ dir: URL) throws {
        let genres = ["drama", "comedy", "jazz", "noir"]
        try TinyCatalog.write(to: dir, itemColumns: "title,genre") { "tone\($0 % 5) shade\($0 % 7) beat\($0 % 3),\(genres[$0 % 4])" }
        try """
            name: served
            seed: 3
            data:
              items: {path: items.csv, id: item_id}
              interactions: {path: ratings.csv, user: user_id, item: item_id, rating: rating}
            features:
              text: {fields: [title], dim: 8}
            train: {epochs: 2}
            evaluate: {ablation: false}
            outputs: {dir: run, report: none}
            """.write(to: dir.appendingPathComponent("served.yaml"), atomically: true, encoding: .utf8)
    }

    static var logger: Logger {
        var logger = Logger(label: "serving-tests")
        logger.logLevel = .critical
        return logger
    }

    /// A server over the run on a port the system picks; `body` gets a client once the model is loaded.
    static func withServer<T>(_ configure: (inout ModelServer) -> Void = { _ in }, waitForModel: Bool = true,
                              _ body: (TestClient) async throws -> T) async throws -> T {
        var server = ModelServer(runFolder: try folder(), configuration: ServeConfiguration(port: 0), logger: logger)
        configure(&server)
        // The server's tasks run on threads of their own: the whole suite's synchronous tests
        // can hold every thread of the shared cooperative pool for minutes, and a server
        // waiting for one would time its clients out.
        return try await withTaskExecutorPreference(ServerThreads.shared) {
            try await server.withRunning { port in
                let client = TestClient(port: port)
                if waitForModel { try await client.waitUntilReady() }
                return try await body(client)
            }
        }
    }
}

/// A task executor on a dispatch queue of its own, outside Swift's cooperative pool.
final class ServerThreads: TaskExecutor, @unchecked Sendable {  // only the queue, which is thread-safe
    static let shared = ServerThreads()
    private let queue = DispatchQueue(label: "serving-tests.server", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
