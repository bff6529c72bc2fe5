import Foundation
import TensorCore

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a run folder, so two `pipeline run` processes never write into the same
/// outputs at once. The kernel releases it when the process exits, even after SIGKILL.
public final class RunLock: Sendable {
    private let fd: Int32

    /// Takes the lock or throws `PipelineError.locked` naming the holder.
    public init(directory: URL) throws {
        try FileSystemProblem.createFolder(directory.path)
        let path = Self.file(in: directory).path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PipelineError(what: "cannot create the lock file \(path)", hint: "check that the outputs folder is writable")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 31, 0)
            let holder = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw PipelineError(
                what: "another pipeline run\(holder.isEmpty ? "" : " (pid \(holder))") is using \(directory.path)",
                hint: "wait for it to finish, or set outputs.dir to another folder")
        }
        let pid = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    static func file(in directory: URL) -> URL { directory.appendingPathComponent(".lock") }

    /// Whether another process holds the lock of `directory` (a run in progress there); probed
    /// with a shared lock that is released at once.
    public static func isHeld(in directory: URL) -> Bool {
        let fd = open(file(in: directory).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { return true }
        flock(fd, LOCK_UN)
        return false
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
