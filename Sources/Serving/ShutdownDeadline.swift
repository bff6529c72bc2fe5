import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The service that turns /health/ready to 503 the moment a graceful shutdown begins: it is
/// the group's last service, so the first to hear of it, before the server stops listening.
struct Readiness: Service {
    let slot: ModelSlot

    func run() async throws {
        try? await gracefulShutdown()
        slot.drain()
    }
}

/// The hard cap on SIGTERM and SIGINT: readiness turns 503 at once, and if the process has not
/// exited `after` the signal (a request or a load that never ends), it logs that and exits 1.
/// It runs on dispatch threads, so it fires even when every Swift task is stuck.
final class ShutdownDeadline {
    private let sources: [any DispatchSourceSignal]
    private let signalled: FirstSignal

    init(after deadline: Duration, slot: ModelSlot, logger: Logger) {
        let queue = DispatchQueue(label: "pipeline.serve.shutdown-deadline")
        let signalled = FirstSignal()
        self.signalled = signalled
        sources = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler {
                signalled.mark()
                slot.drain()
                queue.asyncAfter(deadline: .now() + .milliseconds(Int(deadline / .milliseconds(1)))) {
                    logger.critical("shutdown did not finish in \(deadline); exiting with requests unfinished")
                    exit(1)
                }
            }
            source.resume()
            return source
        }
    }

    /// The server stopped in time: no deadline fires.
    func cancel() { sources.forEach { $0.cancel() } }

    /// ", 0.31 s after the signal": how long the drain took, for the last log line (empty when no
    /// signal came).
    var drainTime: String {
        guard let start = signalled.instant else { return "" }
        return String(format: ", %.2f s after the signal", (ContinuousClock.now - start) / .seconds(1))
    }
}

/// When the first SIGTERM or SIGINT came.
private final class FirstSignal: Sendable {
    private let first = Mutex<ContinuousClock.Instant?>(nil)

    func mark() { first.withLock { $0 = $0 ?? .now } }
    var instant: ContinuousClock.Instant? { first.withLock { $0 } }
}
