import FeaturePipeline
import Foundation
import Logging
@testable import Serving
import TestSupport
import Testing

/// A tiny run trained once per test process (`TinyCatalog` with a title and a genre per item,
/// two epochs: about a second), and a server over it on a free loopback port.
enum ServedRun {
    private static let trained: Result<URL, any Error> = Result { try train(seed: 3) }
    /// The same data and pipeline trained with another seed: other answers (reload tests).
    private static let retrained: Result<URL, any Error> = Result { try train(seed: 4) }
    /// Trained for the rating alone: it ranks by the predicted rating (`candidates` tests).
    private static let ratingScored: Result<URL, any Error> = Result { try train(seed: 3, train: "{epochs: 2, objectives: {ranking: 0}}") }

    private static func train(seed: Int, train: String = "{epochs: 2}") throws -> URL {
        let dir = Repository.temporaryDirectory("served-run")
        atexit { ServedRun.remove() }
        try writeData(dir, seed: seed, train: train)
        var options = RunOptions()
        options.quiet = true
        options.threads = 1
        _ = try PipelineRunner(spec: PipelineSpec.load(dir.appendingPathComponent("served.yaml")), options: options).run()
        return dir.appendingPathComponent("run")
    }

    /// Removes the runs' temporary folders when the test process exits.
    private static func remove() {
        for run in [trained, retrained, ratingScored] {
            if let run = try? run.get() { try? FileManager.default.removeItem(at: run.deletingLastPathComponent()) }
        }
    }

    /// The run folder (trained on first use).
    static func folder() throws -> URL { try trained.get() }

    /// The run trained with seed 4 (on first use).
    static func otherFolder() throws -> URL { try retrained.get() }

    /// The run trained for the rating alone (on first use).
    static func ratingScoredFolder() throws -> URL { try ratingScored.get() }

    static func writeData(_ dir: URL, seed: Int = 3, train: String = "{epochs: 2}") throws {
        let genres = ["drama", "comedy", "jazz", "noir"]
        try TinyCatalog.write(to: dir, itemColumns: "title,genre") { "tone\($0 % 5) shade\($0 % 7) beat\($0 % 3),\(genres[$0 % 4])" }
        try TinyCatalog.writePipeline(to: dir, name: "served", seed: seed, train: train)
    }

    static var logger: Logger {
        var logger = Logger(label: "serving-tests")
        logger.logLevel = .critical
        return logger
    }

    /// A server over the run on a port the system picks; `body` gets a client once the model is loaded.
    static func withServer<T>(_ configure: (inout ModelServer) -> Void = { _ in }, waitForModel: Bool = true,
                              over runFolder: URL? = nil, _ body: (TestClient) async throws -> T) async throws -> T {
        var server = ModelServer(runFolder: try runFolder ?? folder(), configuration: ServeConfiguration(port: 0), logger: logger)
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
