import Dispatch
import Foundation
import Logging
import ServiceLifecycle

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

    init(after deadline: Duration, slot: ModelSlot, logger: Logger) {
        let queue = DispatchQueue(label: "pipeline.serve.shutdown-deadline")
        sources = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler {
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
}
