import Foundation
import Synchronization

/// The model the server answers with: none while it loads, then the loaded one, then each
/// model a reload swaps in.
///
/// A request reads the slot once (`ModelPinMiddleware` pins what it read for the request's
/// task) and keeps that model for its whole answer, so a swap never mixes two models in one
/// response. The old model lives on until the last request that pinned it has answered.
final class ModelSlot: Sendable {
    private let model = Mutex<ServedModel?>(nil)

    /// The model pinned for the request running in this task, if any.
    @TaskLocal static var pinned: ServedModel?

    /// The request's pinned model, else the loaded one; `APIError.notReady` (503) before any
    /// model is loaded.
    func current() throws -> ServedModel {
        if let pinned = Self.pinned { return pinned }
        return try newest()
    }

    /// The model in the slot now, whatever the request pinned: the one a posted item must reach.
    func newest() throws -> ServedModel {
        guard let model = model.withLock({ $0 }) else { throw APIError.notReady }
        return model
    }

    private let draining = Atomic(false)

    /// Ready: a model is loaded and the server is not shutting down.
    var isReady: Bool { !isDraining && model.withLock { $0 != nil } }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// From now on /health/ready answers 503 (shutdown has begun); requests are still answered.
    func drain() { draining.store(true, ordering: .relaxed) }

    /// Puts `loaded` in the slot at once; requests that already read the slot keep theirs.
    func fill(_ loaded: ServedModel) { model.withLock { $0 = loaded } }

    /// Runs `body` with the slot's model pinned for every `current()` it calls; without a
    /// model, `body` runs unpinned (and its `current()` answers 503).
    func withPinnedModel<T>(_ body: (ServedModel?) async throws -> T) async rethrows -> T {
        let model = self.model.withLock { $0 }
        return try await Self.$pinned.withValue(model) { try await body(model) }
    }
}
