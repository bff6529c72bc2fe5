import Dispatch
import FeaturePipeline
import Foundation
import Logging
import Synchronization

/// Puts models in the slot: the first at start, then a new one on each reload (SIGHUP,
/// POST /admin/reload, a changed manifest). A reload reads the run beside the serving model,
/// verifies it (`RunVerifier`), and swaps it in at once; a refused reload is logged and
/// counted and the old model keeps serving. One reload runs at a time.
final class ModelReloader: Sendable {
    let folder: URL
    let slot: ModelSlot
    let metrics: ServerMetrics
    let logger: Logger
    let load: @Sendable (_ folder: URL, _ path: String) async throws -> ServedModel
    /// The items posted to the server: every model goes into the slot with all of them.
    let posted: PostedItems
    private let busy = Mutex(false)

    init(folder: URL, slot: ModelSlot, metrics: ServerMetrics, logger: Logger, posted: PostedItems,
         load: @escaping @Sendable (_ folder: URL, _ path: String) async throws -> ServedModel) {
        (self.folder, self.slot, self.metrics, self.logger, self.posted, self.load) = (folder, slot, metrics, logger, posted, load)
    }

    enum Outcome: Sendable {
        case swapped(ModelInfo)
        case refused(String)
        case busy
    }

    /// The first model, as `pipeline recommend` reads it (a folder whose latest run did not
    /// complete serves its last complete model, with a note). A failure stops the server.
    func loadFirst() async throws {
        logger.info("loading the model in \(folder.path)")
        let started = ContinuousClock.now
        for warning in try await Self.offPool({ [posted] in try posted.open() }) { logger.warning("\(warning)") }
        let model = try await load(folder, folder.path)
        await fill(model)
        metrics.modelLoaded(model.info, reload: false)
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        logger.info("ready: pipeline \(model.info.pipeline), manifest \(model.info.manifestSHA256.prefix(12)), loaded in \(String(format: "%.2f", seconds)) s")
        if let note = model.info.note { logger.notice("note: \(note)") }
    }

    /// Reads, verifies and swaps in the folder's model; `trigger` names why, for the log.
    func reload(trigger: String) async -> Outcome {
        guard busy.withLock({ was in defer { was = true }; return !was }) else {
            logger.notice("reload (\(trigger)) skipped: another reload is running")
            return .busy
        }
        defer { busy.withLock { $0 = false } }
        logger.info("reloading (\(trigger)) from \(folder.path)")
        do {
            let model = try await verifiedModel()
            await fill(model)
            metrics.modelLoaded(model.info, reload: true)
            logger.info("reloaded (\(trigger)): now serving manifest \(model.info.manifestSHA256.prefix(12))")
            return .swapped(model.info)
        } catch {
            let reason = (error as? PipelineError)?.description ?? "\(error)"
            metrics.reloadFailed()
            let serving = (try? slot.current().info.manifestSHA256.prefix(12)).map(String.init) ?? "none"
            logger.error("reload (\(trigger)) refused: \(reason); still serving manifest \(serving)")
            return .refused(reason)
        }
    }

    /// Puts `model` in the slot once it has every posted item, items posted meanwhile included.
    private func fill(_ model: ServedModel) async {
        while true {
            let (count, notes) = await model.catchUp(with: posted)
            for note in notes { logger.warning("\(note)") }
            if posted.whenCaughtUp(count, { slot.fill(model) }) {
                if count > 0 { logger.info("with \(count) posted item\(count == 1 ? "" : "s") from \(ItemStore.path)") }
                return
            }
        }
    }

    /// The folder verified before it is read (a corrupt file never reaches the model reader),
    /// read, and checked again: the manifest read must be the one verified, and the folder's
    /// latest run complete.
    private func verifiedModel() async throws -> ServedModel {
        // The models swapped out before are freed by now: their heap goes back to the system
        // before a new one is read beside the serving one, so a swap holds two models, not three.
        FreePages.returnToSystem()
        let verifier = RunVerifier(folder: folder)
        let verified = try await Self.offPool { try verifier.verify() }
        let model = try await load(folder, folder.path)
        guard model.info.manifestSHA256 == verified else {
            throw PipelineError(what: "manifest.json changed while the model was read", hint: "reload again once the run has finished")
        }
        if let note = model.info.note { throw PipelineError(what: note, hint: "a reload takes a run that completed") }
        return model
    }

    /// Hashing a run's files is seconds of I/O and CPU: a dispatch thread does it, not the
    /// cooperative pool that answers requests.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
