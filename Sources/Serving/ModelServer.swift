import FeaturePipeline
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `pipeline serve`: an HTTP server over one trained run (docs/serving.md).
///
/// It listens first and loads the model beside it: /health/live answers at once, /health/ready
/// and the /v1 routes answer 503 until the model is in its slot, and a run that cannot be read
/// stops the server with that error.
public struct ModelServer: Sendable {
    public let runFolder: URL
    public var configuration: ServeConfiguration
    let logger: Logger
    let slot = ModelSlot()
    let tally = RequestTally()
    let metrics = ServerMetrics()
    /// Items posted to this server, and the run's item store that keeps them.
    let posted: PostedItems
    /// The bounded queue of /v1 requests; nil: made from `configuration` when the server starts
    /// (tests give one whose turns they hold).
    var gate: AdmissionGate?
    /// How the model is read (tests hold it back to see the server before it is ready); nil:
    /// `ModelLoader.readRun` with the configuration's candidates.
    var loadModel: (@Sendable (_ folder: URL, _ path: String) async throws -> ServedModel)?

    public init(runFolder: URL, configuration: ServeConfiguration = ServeConfiguration(), logger: Logger) {
        self.runFolder = runFolder
        self.configuration = configuration
        self.logger = logger
        // The store of the folder served now, even if `runFolder` is a link repointed later:
        // the items the server holds and the file that keeps them stay one list.
        posted = PostedItems(run: runFolder.resolvingSymlinksInPath())
    }

    /// Serves until SIGTERM or SIGINT, then stops taking connections, finishes the requests in
    /// flight and returns.
    public func run() async throws {
        let deadline = ShutdownDeadline(after: configuration.shutdownDeadline, slot: slot, logger: logger)
        try await withEventLoops { eventLoops in
            try await withListeningErrors {
                try await services(onListening: { _ in }, handlingSignals: true, eventLoops: eventLoops).run()
            }
        }
        deadline.cancel()
        logger.info("stopped after \(tally.summary)\(deadline.drainTime)")
    }

    /// Starts the server, calls `body` with the port it listens on once it does, then shuts it
    /// down gracefully (tests, and programs that embed the server).
    public func withRunning<T>(_ body: (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = services(onListening: { continuation.yield($0) }, handlingSignals: false, eventLoops: .singleton)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await withListeningErrors { try await group.run() }
            }
            guard let port = await ports.first(where: { _ in true }) else {
                try await tasks.waitForAll()  // rethrows why the server stopped before it listened
                throw CancellationError()
            }
            do {
                let result = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// The HTTP server and the model loader beside it; `onListening` gets the bound port. A
    /// loader that fails shuts the server down gracefully (a cancelled server logs errors of its
    /// own) and the group then throws the loader's error.
    func services(onListening: @escaping @Sendable (Int) -> Void, handlingSignals: Bool, eventLoops: EventLoopGroupProvider) -> ServiceGroup {
        let candidates = configuration.candidates
        let load = loadModel ?? { try await ModelLoader.readRun(folder: $0, path: $1, candidates: candidates) }
        let reloader = ModelReloader(folder: runFolder, slot: slot, metrics: metrics, logger: logger, posted: posted, load: load)
        let gate = gate ?? AdmissionGate(concurrent: configuration.maxConcurrent, queued: configuration.maxQueued)
        let routes = Routes(slot: slot, limits: configuration, posted: posted)
        let application = Application(
            router: routes.router(logger: logger, tally: tally, operations: AdminRoutes(reloader: reloader, metrics: metrics, gate: gate)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: eventLoops,
            logger: logger)
        let loader = ModelLoader(reloader: reloader, watchInterval: configuration.watchInterval, handlingSignals: handlingSignals)
        var group = ServiceGroupConfiguration(
            // Shut down last first: readiness turns 503, then the loader stops, then the server drains.
            services: [.init(service: application),
                       .init(service: loader, successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup),
                       .init(service: Readiness(slot: slot), successTerminationBehavior: .ignore)],
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownDeadline * 0.8
        return ServiceGroup(configuration: group)
    }

    /// `--threads N`: an event-loop group of N threads for this server, closed after it;
    /// otherwise NIO's shared group (a thread per core).
    private func withEventLoops(_ body: (EventLoopGroupProvider) async throws -> Void) async throws {
        guard let threads = configuration.threads else { return try await body(.singleton) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            try await body(.shared(group))
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    /// A failure to listen (address in use, unknown host) as one line naming the address.
    private func withListeningErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IOError {
            throw PipelineError(what: "cannot listen on \(configuration.host):\(configuration.port): \(error.description)",
                                hint: "another process may hold the port; choose another with --port")
        } catch let error as SocketAddressError {
            throw PipelineError(what: "cannot listen on \(configuration.host):\(configuration.port): \(error)",
                                hint: "--host takes an IP address or a name this machine resolves, such as 127.0.0.1")
        }
    }
}
