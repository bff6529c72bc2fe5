import Foundation
import ServiceLifecycle
import UnixSignals

/// The service beside the HTTP server that loads the first model, then reloads on SIGHUP and
/// when the run's manifest changes, until the server shuts down. A first load that fails stops
/// the server with that error.
struct ModelLoader: Service {
    let reloader: ModelReloader
    let watchInterval: Duration
    let handlingSignals: Bool

    func run() async throws {
        try await reloader.loadFirst()
        // Signals and polls stop with the server; a reload under way is cancelled with them.
        _ = await cancelWhenGracefulShutdown { await watch() }
        // With nothing to watch, end at this service's turn of the shutdown: a first load that
        // finished late (a starved thread) must not end it during another service's turn,
        // which the service group reports as a failure.
        try? await gracefulShutdown()
    }

    private func watch() async {
        await withTaskGroup(of: Void.self) { group in
            if handlingSignals {
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        _ = await reloader.reload(trigger: "SIGHUP")
                    }
                }
            }
            if watchInterval > .zero {
                group.addTask {
                    await ManifestWatcher(folder: reloader.folder, interval: watchInterval).watch { await reloader.reload(trigger: "manifest changed") }
                }
            }
        }
    }

    /// Reading a run is seconds of CPU: it runs on a dispatch thread, not on the cooperative
    /// pool that answers /health while it loads.
    static func readRun(folder: URL, path: String) async throws -> ServedModel {
        try await ModelReloader.offPool { try ServedModel(folder: folder, path: path) }
    }
}

/// Polls a run's manifest.json and calls back when its bytes change (a finished export writes
/// it last). While the folder's run is in progress the change waits for the run to end.
struct ManifestWatcher {
    let folder: URL
    let interval: Duration

    func watch(onChange: @Sendable () async -> ModelReloader.Outcome) async {
        var seen = signature()
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: interval)) != nil else { return }
            let now = signature()
            guard now != seen, !runInProgress else { continue }
            // A reload skipped because another was running is tried again at the next poll.
            if case .busy = await onChange() { continue }
            seen = now
        }
    }

    /// The manifest's bytes (a few kilobytes), nil when it is absent.
    private func signature() -> Data? { try? Data(contentsOf: folder.appendingPathComponent("manifest.json")) }

    private var runInProgress: Bool {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("run_state.json")),
              let state = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return state["status"] as? String == "running"
    }
}
