import CSndfile

/// Bytes in memory served to libsndfile through `SF_VIRTUAL_IO`.
///
/// Reading from memory (a mapped file) avoids one system call per libsndfile read and tells us
/// whether the decoder asked for bytes past the end, which separates "truncated" from "corrupt".
final class MemoryVirtualIO {
    let base: UnsafeRawPointer?
    let count: Int
    private(set) var position = 0
    /// Set when a read asked for more bytes than remained: the decoder ran into the end.
    private(set) var readPastEnd = false

    init(base: UnsafeRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    fileprivate func read(into destination: UnsafeMutableRawPointer?, _ requested: Int) -> Int {
        let n = Swift.max(0, Swift.min(requested, count - position))
        if n < requested { readPastEnd = true }
        if n > 0, let base, let destination { destination.copyMemory(from: base + position, byteCount: n) }
        position += n
        return n
    }

    fileprivate func seek(_ offset: Int, whence: Int32) -> Int {
        let origin = switch whence {
        case SEEK_CUR: position
        case SEEK_END: count
        default: 0
        }
        position = Swift.max(0, origin + offset)  // past the end is allowed, as for files
        return position
    }

    /// The callback table; `user_data` must be an unretained pointer to a `MemoryVirtualIO`.
    static var callbacks: SF_VIRTUAL_IO {
        SF_VIRTUAL_IO(
            get_filelen: { user in sf_count_t(instance(user).count) },
            seek: { offset, whence, user in sf_count_t(instance(user).seek(Int(offset), whence: whence)) },
            read: { ptr, count, user in sf_count_t(instance(user).read(into: ptr, Int(count))) },
            write: { _, _, _ in 0 },
            tell: { user in sf_count_t(instance(user).position) })
    }
}

private func instance(_ user: UnsafeMutableRawPointer?) -> MemoryVirtualIO {
    Unmanaged<MemoryVirtualIO>.fromOpaque(user!).takeUnretainedValue()
}
