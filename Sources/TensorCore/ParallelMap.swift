import Dispatch
import Foundation

/// Runs `body` for indices 0..<count on `threads` workers and returns the results in index order
/// (so the output never depends on scheduling).
public func parallelMap<T: Sendable>(count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        // Deinitialize before deallocating: without it every result (features, error messages)
        // kept the reference the slot held and was never freed (found by LeakSanitizer).
        slots.deinitialize()
        slots.deallocate()
    }
    let box = SlotBox(slots: slots)
    let counter = Counter()
    DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
        while let i = counter.next(below: count) {
            box.slots[i] = body(i)
        }
    }
    return slots.map { $0! }
}

// @unchecked: each slot is written by the one worker that drew its index, and read after all workers finish.
private struct SlotBox<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
}

/// A shared work index.
// @unchecked: `value` is only read and written under `lock`.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Contiguous index ranges splitting 0..<count into `parts` near-equal pieces (one empty range when count is 0).
public func chunkRanges(_ count: Int, parts: Int) -> [Range<Int>] {
    let parts = max(1, min(parts, count))
    return (0..<parts).map { p in (count * p / parts)..<(count * (p + 1) / parts) }
}
