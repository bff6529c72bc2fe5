import Foundation
import TensorCore
import Testing

/// parallelMap's results are freed once the caller drops them (every extraction and the
/// evaluation go through it).
@Suite struct ParallelMapLeakTests {
    /// Counts live instances.
    final class Tracked: @unchecked Sendable {
        nonisolated(unsafe) static var live = 0
        static let lock = NSLock()
        init() { Self.lock.withLock { Self.live += 1 } }
        deinit { Self.lock.withLock { Self.live -= 1 } }
    }

    /// Found by LeakSanitizer under scripts/sanitizers: the result slots were deallocated without
    /// being deinitialized, so every result kept one reference forever.
    @Test func resultsAreReleased() {
        let before = Tracked.lock.withLock { Tracked.live }
        do {
            let results = parallelMap(count: 200, threads: 2) { _ in Tracked() }
            #expect(results.count == 200)
            #expect(Tracked.lock.withLock { Tracked.live } == before + 200)
        }
        #expect(Tracked.lock.withLock { Tracked.live } == before, "results outlived the array that held them")
    }
}
