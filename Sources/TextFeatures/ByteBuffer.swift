/// A growable byte buffer for the scanner's output: the storage is kept larger than `count` so
/// that runs of bytes are written through one unsafe pointer, without the per-byte capacity and
/// uniqueness checks of `Array.append`.
struct ByteBuffer {
    private(set) var storage: [UInt8] = []
    private(set) var count = 0

    /// Makes room for `extra` more bytes.
    @inline(__always) mutating func reserve(_ extra: Int) {
        if count + extra > storage.count {
            storage += [UInt8](repeating: 0, count: max(extra, storage.count, 256))
        }
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    mutating func append<S: Sequence<UInt8>>(contentsOf bytes: S) {
        for b in bytes { append(b) }
    }

    /// Copies the run of ASCII word bytes of `input` that starts at `start` (lowercasing A–Z when
    /// asked) and returns the index after it.
    @inline(__always) mutating func appendASCIIWordRun(_ input: UnsafeBufferPointer<UInt8>, from start: Int, lowercase: Bool) -> Int {
        reserve(input.count - start)
        let written = storage.withUnsafeMutableBufferPointer { out -> Int in
            var j = start, k = count
            while j < input.count {
                let c = input[j]
                guard isASCIIWord(c) else { break }
                out[k] = lowercase && c &- 0x41 < 26 ? c | 0x20 : c
                j += 1
                k += 1
            }
            return j - start
        }
        count += written
        return start + written
    }

    mutating func removeLast(_ k: Int) { count -= k }
    mutating func removeAll(keepingCapacity: Bool) { count = 0 }

    subscript(range: Range<Int>) -> ArraySlice<UInt8> { storage[range] }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }
}
