import Foundation
import TensorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Finds an item's media file from the value of its column: relative paths start at the media
/// root; paths that leave the root (`../`, absolute paths, symlinks out) are refused unless the
/// pipeline allows them; only regular files are accepted (a pipe would block the run forever).
struct MediaLocator: Sendable {
    let root: URL
    let allowOutsideRoot: Bool
    private let resolvedRoot: String
    /// Folders already resolved: the items of a catalog share a few, and resolving every path
    /// component again for every item cost more stat calls than the rest of the extraction.
    private let folders = ResolvedFolders()

    /// A located file and its size in bytes (of the file a symlink points to, not of the link).
    struct MediaFile: Sendable {
        var url: URL
        var bytes: Int
    }

    init(root: URL, allowOutsideRoot: Bool) {
        self.root = root
        self.allowOutsideRoot = allowOutsideRoot
        resolvedRoot = root.resolvingSymlinksInPath().standardizedFileURL.path
    }

    func locate(_ value: String) throws(ItemError) -> MediaFile {
        let url = value.hasPrefix("/") ? URL(fileURLWithPath: value) : root.appendingPathComponent(value)
        let standardized = url.standardizedFileURL
        // The root is checked before existence, so a refused path is refused whether or not it
        // exists: the catalog cannot probe the file system outside the root.
        if !allowOutsideRoot {
            let resolved = folders.resolve(standardized)
            guard resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot + "/") else {
                throw ItemError(.unsupported, source: value, detail: "the path leaves the media root \(root.path)",
                                hint: "keep media under the root, or set data.allow_outside_root: true")
            }
        }
        let bytes = try MediaFileCheck.regularFileSize(standardized.path, missingHint: "check the path; relative paths start at \(root.path)")
        return MediaFile(url: standardized, bytes: bytes)
    }
}

/// `resolvingSymlinksInPath` of files, with their folders' resolutions remembered: a file that is
/// not itself a symbolic link resolves to its folder's resolution plus its name.
// Sendable by its lock: `known` is read and written only under `lock`.
private final class ResolvedFolders: @unchecked Sendable {
    private var known: [String: String] = [:]
    private let lock = NSLock()

    func resolve(_ file: URL) -> String {
        var info = stat()
        guard lstat(file.path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { return file.resolvingSymlinksInPath().path }
        let folder = file.deletingLastPathComponent()
        let resolved = lock.withLock { known[folder.path] } ?? {
            let path = folder.resolvingSymlinksInPath().path
            lock.withLock { known[folder.path] = path }
            return path
        }()
        return (resolved == "/" ? "" : resolved) + "/" + file.lastPathComponent
    }
}
