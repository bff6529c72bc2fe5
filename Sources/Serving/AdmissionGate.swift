import DequeModule
import Synchronization

/// At most `concurrent` requests are answered at once and at most `queued` more wait, in
/// arrival order, for a turn; any beyond that are turned away at once (503 `overloaded`), so
/// overload costs a short answer instead of memory that grows with the backlog.
final class AdmissionGate: Sendable {
    let concurrent: Int
    let queued: Int

    private struct State {
        var running = 0
        var waiting = Deque<CheckedContinuation<Void, Never>>()
    }

    private let state = Mutex(State())

    init(concurrent: Int, queued: Int) {
        precondition(concurrent >= 1 && queued >= 0, "concurrent \(concurrent) must be ≥ 1 and queued \(queued) ≥ 0")
        self.concurrent = concurrent
        self.queued = queued
    }

    /// Requests waiting for a turn now.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Runs `body` in its turn; nil, without running it, when the queue is full.
    func withTurn<T>(_ body: () async throws -> T) async rethrows -> T? {
        guard await enter() else { return nil }
        defer { leave() }
        return try await body()
    }

    /// Takes a free place, or waits in the queue for one; false when the queue is full too.
    private func enter() async -> Bool {
        enum Admission { case now, wait, refuse }
        let admission: Admission = state.withLock {
            if $0.running < concurrent {
                $0.running += 1
                return .now
            }
            return $0.waiting.count < queued ? .wait : .refuse
        }
        switch admission {
        case .now: return true
        case .refuse: return false
        case .wait:
            await withCheckedContinuation { continuation in
                // The place may have freed up between the check and here: take it if so.
                let admitted: Bool = state.withLock {
                    if $0.running < concurrent {
                        $0.running += 1
                        return true
                    }
                    $0.waiting.append(continuation)
                    return false
                }
                if admitted { continuation.resume() }
            }
            return true
        }
    }

    /// Hands the place to the first waiter (who keeps `running` as it is), else frees it.
    private func leave() {
        let next: CheckedContinuation<Void, Never>? = state.withLock {
            if let first = $0.waiting.popFirst() { return first }
            $0.running -= 1
            return nil
        }
        next?.resume()
    }
}
