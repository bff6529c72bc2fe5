import Foundation
import TensorCore

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a run folder, so two `pipeline run` processes never write into the same
/// outputs at once. The kernel releases it when the process exits, even after SIGKILL.
public final class RunLock: @unchecked Sendable {
    private let fd: Int32

    /// Takes the lock or throws `PipelineError.locked` naming the holder.
    public init(directory: URL) throws {
        try FileSystemProblem.createFolder(directory.path)
        let path = directory.appendingPathComponent(".lock").path
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

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
