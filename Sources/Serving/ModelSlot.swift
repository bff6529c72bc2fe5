import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The model the server answers with: none while it loads, then the loaded one. Every request
/// reads the slot once and keeps the model it got for its whole answer. (Reloading will put
/// a new model here beside the old; a request in flight keeps the one it read.)
final class ModelSlot: Sendable {
    private let model = Mutex<ServedModel?>(nil)

    /// The loaded model; `APIError.notReady` (503) before it is loaded.
    func current() throws -> ServedModel {
        guard let model = model.withLock({ $0 }) else { throw APIError.notReady }
        return model
    }

    var isReady: Bool { model.withLock { $0 != nil } }

    func fill(_ loaded: ServedModel) { model.withLock { $0 = loaded } }
}

/// The service that loads the run into the slot beside the server, and ends. A run that
/// cannot be read stops the server with that error.
struct ModelLoader: Service {
    let folder: URL
    let path: String
    let slot: ModelSlot
    let logger: Logger
    let load: @Sendable (_ folder: URL, _ path: String) async throws -> ServedModel

    func run() async throws {
        logger.info("loading the model in \(path)")
        let started = ContinuousClock.now
        let model = try await load(folder, path)
        slot.fill(model)
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        logger.info("ready: pipeline \(model.info.pipeline), manifest \(model.info.manifestSHA256.prefix(12)), loaded in \(String(format: "%.2f", seconds)) s")
        if let note = model.info.note { logger.notice("note: \(note)") }
    }

    /// Reading a run is seconds of CPU: it runs on a dispatch thread, not on the cooperative
    /// pool that answers /health while it loads.
    static func readRun(folder: URL, path: String) async throws -> ServedModel {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ServedModel(folder: folder, path: path) })
            }
        }
    }
}
