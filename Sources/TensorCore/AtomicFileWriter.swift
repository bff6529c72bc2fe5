import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file written piece by piece and published atomically, for outputs too large to hold in
/// memory: bytes are appended to a hidden temporary beside the final name (the name
/// `AtomicFile.sweepTemporaries` removes after a kill), an earlier range can be overwritten
/// (a header whose sizes are known only at the end), and `commit` fsyncs and renames. A writer
/// dropped without `commit` removes its temporary, so a failed run leaves no partial file.
public final class AtomicFileWriter {
    public let url: URL
    let temporary: URL
    private var fd: Int32
    /// Bytes appended so far.
    public private(set) var size = 0

    public init(_ url: URL) throws {
        self.url = url
        let dir = url.deletingLastPathComponent()
        try FileSystemProblem.createFolder(dir.path)
        temporary = AtomicFile.temporary(for: url)
        fd = open(temporary.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemProblem(errno: errno, action: .write, path: url.path) }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(temporary.path)
        }
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        try write(bytes, at: size)
        size += bytes.count
    }

    public func append(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try append($0) } }
    public func append(_ data: Data) throws { try data.withUnsafeBytes { try append($0) } }
    public func append(_ string: String) throws { try append(Data(string.utf8)) }

    /// Overwrites bytes already appended, starting at `offset`.
    public func overwrite(_ bytes: [UInt8], at offset: Int) throws {
        precondition(offset >= 0 && offset + bytes.count <= size, "overwrite of \(bytes.count) bytes at \(offset) past the \(size) written")
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// Copies another writer's bytes (not yet committed) to the end of this file.
    public func append(contentsOf other: AtomicFileWriter) throws {
        for offset in stride(from: 0, to: other.size, by: 1 << 20) {
            try append(try other.read(at: offset, count: min(1 << 20, other.size - offset)))
        }
    }

    /// Reads back `count` bytes appended earlier, from `offset`.
    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && offset + count <= size, "read of \(count) bytes at \(offset) past the \(size) written")
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileSystemProblem(errno: n < 0 ? errno : EIO, action: .read, path: temporary.path) }
            done += n
        }
        return bytes
    }

    /// Flushes the temporary to disk and renames it over `url`.
    public func commit() throws {
        FaultInjection.pause()  // crash tests kill here: the temporary is written, not yet renamed
        let descriptor = fd
        fd = -1
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw FileSystemProblem(errno: code, action: .write, path: url.path)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw FileSystemProblem(errno: code, action: .write, path: url.path)
        }
        AtomicFile.syncDirectory(url.deletingLastPathComponent().path)
    }

    private func write(_ bytes: UnsafeRawBufferPointer, at start: Int) throws {
        var offset = 0
        while offset < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + offset, bytes.count - offset, off_t(start + offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemProblem(errno: errno, action: .write, path: url.path)
            }
            offset += n
        }
    }
}
