import Foundation

/// Runs `body(chunk)` for chunk 0..<chunks on up to `threads` threads and returns the results in
/// chunk order (never completion order), so output does not depend on scheduling.
func parallelChunks<T: Sendable>(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
    if threads <= 1 || chunks <= 1 { return (0..<chunks).map(body) }
    let slots = ResultSlots<T>(count: chunks)
    // concurrentPerform runs `iterations` closures on the shared pool; each claims chunks in turn.
    let next = ChunkCounter()
    DispatchQueue.concurrentPerform(iterations: min(threads, chunks)) { _ in
        while let chunk = next.claim(below: chunks) { slots.store(body(chunk), at: chunk) }
    }
    return slots.take()
}

/// Contiguous index ranges splitting 0..<count into `parts` near-equal pieces.
func chunkRanges(_ count: Int, parts: Int) -> [Range<Int>] {
    let parts = max(1, min(parts, count))
    return (0..<parts).map { p in (count * p / parts)..<(count * (p + 1) / parts) }
}

/// Write-once result slots, one per chunk; each index is written by exactly one thread.
private final class ResultSlots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>
    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }
    func store(_ value: T, at index: Int) { buffer[index] = value }
    func take() -> [T] {
        defer { buffer.deinitialize(); buffer.deallocate() }
        return buffer.map { $0! }
    }
}

/// Hands out chunk indices 0, 1, 2, … to whichever thread asks next.
private final class ChunkCounter: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()
    func claim(below limit: Int) -> Int? {
        lock.withLock {
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
