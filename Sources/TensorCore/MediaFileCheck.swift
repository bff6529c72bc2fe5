import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The checks made on a media file before any of its bytes is read, worded once: `pipeline run`,
/// `pipeline extract` and `pipeline probe` refuse the same file with the same `ItemError`.
public enum MediaFileCheck {
    /// The size of the regular file at `path`, or why it cannot be read.
    ///
    /// `stat` follows symbolic links, so a dangling link is `missing`. A folder, a pipe, a socket
    /// or a device is `unsupported` (reading a pipe would block for ever). `missingHint` says where
    /// relative paths start when the caller knows.
    public static func regularFileSize(_ path: String, missingHint: String = "check the path") throws(ItemError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw ItemError(.missing, source: path, detail: "no such file", hint: missingHint) }
            throw unreadable(path, reason: String(cString: strerror(code)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return Int(info.st_size)
        case S_IFDIR:
            throw ItemError(.unsupported, source: path, detail: "a directory, not a file", hint: "point the item's column at a file")
        default:
            throw ItemError(.unsupported, source: path, detail: "not a regular file (a pipe, socket or device)",
                            hint: "copy the data into a file")
        }
    }

    /// Refuses a file of `bytes` bytes that is empty or larger than `features.<modality>.max_bytes`.
    public static func checkSize(_ bytes: Int, path: String, maxBytes: Int, modality: String) throws(ItemError) {
        if bytes == 0 { throw emptyFile(path) }
        if bytes > maxBytes { throw tooManyBytes(path, bytes: bytes, maxBytes: maxBytes, modality: modality) }
    }

    /// `regularFileSize`, then `checkSize`: the size of a file that may be read.
    public static func readableSize(_ path: String, maxBytes: Int, modality: String) throws(ItemError) -> Int {
        let bytes = try regularFileSize(path)
        try checkSize(bytes, path: path, maxBytes: maxBytes, modality: modality)
        return bytes
    }

    public static func emptyFile(_ path: String) -> ItemError {
        ItemError(.empty, source: path, detail: "the file is empty (0 bytes)",
                  hint: "the download or copy probably failed; fetch the file again, or drop the item")
    }

    public static func tooManyBytes(_ path: String, bytes: Int, maxBytes: Int, modality: String) -> ItemError {
        ItemError(.tooLarge, source: path, detail: "the file has \(bytes) bytes, more than max_bytes \(maxBytes)",
                  hint: "raise features.\(modality).max_bytes if the file is genuine")
    }

    /// A file that is there but could not be opened or read, for `reason` (the system's words).
    public static func unreadable(_ path: String, reason: String) -> ItemError {
        ItemError(.missing, source: path, detail: "cannot read the file: \(reason)",
                  hint: "check its permissions, and the disk or network share it is on")
    }

    /// `unreadable` for a failed Foundation read (`Data(contentsOf:)`), told by its cause.
    public static func unreadable(_ path: String, after error: any Error) -> ItemError {
        unreadable(path, reason: FileSystemProblem(translating: error)?.reason ?? "\(error)")
    }
}
