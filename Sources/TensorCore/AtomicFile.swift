import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes whole files atomically: bytes go to a hidden temporary name in the same folder, are
/// flushed to disk, and the temporary is renamed over the final name. A reader (or a rerun after
/// a kill) sees either the old file or the complete new one, never a prefix.
public enum AtomicFile {
    /// Prefix of temporaries; `sweepTemporaries(in:)` removes leftovers of killed runs.
    public static let temporaryPrefix = ".tmp-"

    /// - Parameter durable: fsync the file and its folder before and after the rename (the
    ///   default). Without it the rename is still atomic for other processes and after a kill,
    ///   but a power loss may leave an empty or partial file: only for caches that validate
    ///   what they read.
    public static func write(_ data: Data, to url: URL, durable: Bool = true) throws {
        try data.withUnsafeBytes { try write(bytes: $0, to: url, durable: durable) }
    }

    public static func write(_ string: String, to url: URL) throws {
        try write(Data(string.utf8), to: url)
    }

    public static func write(bytes: UnsafeRawBufferPointer, to url: URL, durable: Bool = true) throws {
        try write(bytes: bytes, toPath: url.path, durable: durable)
    }

    /// `write(bytes:to:durable:)` for a plain path: writers of one small file per item (the item
    /// cache) skip building a URL, and the folder is created only when it does not exist yet.
    public static func write(bytes: UnsafeRawBufferPointer, toPath path: String, durable: Bool = true) throws {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let tmp = temporaryPath(for: path)
        var fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT {  // the first file of its folder
            try FileSystemProblem.createFolder(dir)
            fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw FileSystemProblem(errno: errno, action: .write, path: path) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw FileSystemProblem(errno: code, action: .write, path: path)
            }
            offset += n
        }
        FaultInjection.pause()  // crash tests kill here: the temporary is written, not yet renamed
        guard !durable || fsync(fd) == 0, close(fd) == 0 else { throw FileSystemProblem(errno: errno, action: .write, path: path) }
        guard rename(tmp, path) == 0 else { throw FileSystemProblem(errno: errno, action: .write, path: path) }
        ok = true
        if durable { syncDirectory(dir) }
    }

    /// A hidden temporary beside `url`: `.tmp-<name>.<pid>.<random>`, which the sweep recognises.
    static func temporary(for url: URL) -> URL {
        URL(fileURLWithPath: temporaryPath(for: url.path))
    }

    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(folder)\(temporaryPrefix)\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Removes temporaries left in `dir` (recursively) by a process that was killed mid-write.
    /// Only temporaries whose writer process is gone are removed, so a live writer is untouched.
    public static func sweepTemporaries(in dir: URL) {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return }
        for case let url as URL in walker where url.lastPathComponent.hasPrefix(temporaryPrefix) {
            let parts = url.lastPathComponent.split(separator: ".")
            // .tmp-<name…>.<pid>.<random>: the pid is the second-to-last component.
            if parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid != getpid(), kill(pid, 0) == 0 {
                continue
            }
            try? FileManager.default.removeItem(at: url)
        }
    }

    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

}
