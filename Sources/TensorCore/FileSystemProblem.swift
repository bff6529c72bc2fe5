import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file or folder the tool could not read, write or create, told by its cause with a hint a
/// person can act on: "cannot write runs/x/model.json: /tmp/a is a file, not a folder (hint: …)".
///
/// Built from an errno (our own system calls) or from Foundation's `CocoaError` (FileManager,
/// `Data(contentsOf:)`), whose own text ("The operation could not be completed. (NSCocoaErrorDomain
/// error 512.)") names neither the cause nor a remedy.
public struct FileSystemProblem: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Action: String, Sendable {
        case read, write
        case createFolder = "create the folder"
    }

    public enum Cause: Equatable, Sendable {
        /// A folder on the way is a regular file (ENOTDIR, or Foundation's 512 on createDirectory).
        case notAFolder(String)
        case missing
        case noPermission
        case diskFull
        case readOnly
        case isAFolder
        case other(String)
    }

    public let action: Action
    public let path: String
    public let cause: Cause

    public init(action: Action, path: String, cause: Cause) {
        self.action = action
        self.path = path
        self.cause = cause
    }

    /// The problem behind a failed system call on `path`; `code` is the errno it left.
    public init(errno code: Int32, action: Action, path: String) {
        self.init(action: action, path: path, cause: Self.cause(errno: code, path: path))
    }

    /// Foundation's file errors by cause; nil for any other error.
    public init?(translating error: any Error) {
        guard let cocoa = error as? CocoaError else {
            if let posix = error as? POSIXError { self.init(errno: posix.code.rawValue, action: .read, path: "") } else { return nil }
            return
        }
        let path = cocoa.filePath ?? cocoa.url?.path ?? ""
        let action: Action = cocoa.code.rawValue >= 512 ? .write : .read
        if let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            self.init(errno: Int32(underlying.code), action: action, path: path)
            return
        }
        let cause: Cause
        switch cocoa.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: cause = Self.blockingFile(of: path).map(Cause.notAFolder) ?? .missing
        case .fileReadNoPermission, .fileWriteNoPermission: cause = .noPermission
        case .fileWriteOutOfSpace: cause = .diskFull
        case .fileWriteVolumeReadOnly: cause = .readOnly
        default:
            if let file = Self.blockingFile(of: path, includingSelf: action == .write) {
                cause = .notAFolder(file)
            } else {
                cause = .other(cocoa.localizedDescription)
            }
        }
        self.init(action: action, path: path, cause: cause)
    }

    /// Why reading `path` failed with `error` (from Foundation or not): the cause when one can be
    /// told, a folder given where a file belongs included.
    public static func reading(_ path: String, failedWith error: any Error) -> FileSystemProblem {
        var isFolder: ObjCBool = false
        if path.isEmpty { return FileSystemProblem(action: .read, path: "", cause: .other("the path is empty")) }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            return FileSystemProblem(action: .read, path: path, cause: .isAFolder)
        }
        let cause = FileSystemProblem(translating: error)?.cause ?? .other((error as NSError).localizedDescription)
        return FileSystemProblem(action: .read, path: path, cause: cause)
    }

    /// `FileManager.createDirectory` with intermediate folders, its failure told by cause.
    public static func createFolder(_ path: String) throws(FileSystemProblem) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            let translated = FileSystemProblem(translating: error)
            throw FileSystemProblem(action: .createFolder, path: path,
                                    cause: blockingFile(of: path, includingSelf: true).map(Cause.notAFolder) ?? translated?.cause ?? .other("\(error)"))
        }
    }

    public var reason: String {
        switch cause {
        case .notAFolder(let file): return "\(file) is a file, not a folder"
        case .missing: return action == .read ? "no such file or folder" : "its folder does not exist"
        case .noPermission: return "permission denied"
        case .diskFull: return "no space left on the device"
        case .readOnly: return "the file system is read-only"
        case .isAFolder: return "it is a folder, not a file"
        case .other(let text): return text
        }
    }

    public var hint: String {
        switch cause {
        case .notAFolder(let file): return "choose a path under a folder, or move \(file) out of the way"
        case .missing: return action == .read ? "check the path" : "create the folder first, or fix the path"
        case .noPermission: return "check the owner and permissions of \(path.isEmpty ? "the file" : path) and its folder"
        case .diskFull: return "free some space or choose another output folder"
        case .readOnly: return "choose a writable output folder"
        case .isAFolder: return "give the path of a file"
        case .other: return "check that the folder exists, is writable and the disk is not full"
        }
    }

    public var description: String {
        "cannot \(action.rawValue)\(path.isEmpty ? "" : " \(path)"): \(reason) (hint: \(hint))"
    }

    static func cause(errno code: Int32, path: String) -> Cause {
        switch code {
        case ENOTDIR: return blockingFile(of: path).map(Cause.notAFolder) ?? .other(String(cString: strerror(code)))
        case EEXIST: return blockingFile(of: path, includingSelf: true).map(Cause.notAFolder) ?? .other(String(cString: strerror(code)))
        case ENOENT: return blockingFile(of: path).map(Cause.notAFolder) ?? .missing
        case EACCES, EPERM: return .noPermission
        case ENOSPC, EDQUOT: return .diskFull
        case EROFS: return .readOnly
        case EISDIR: return .isAFolder
        default: return .other(String(cString: strerror(code)))
        }
    }

    /// The nearest existing ancestor of `path` when it is not a folder: the file that stands
    /// where a folder must be. With `includingSelf`, `path` itself counts (a folder to create).
    public static func blockingFile(of path: String, includingSelf: Bool = false) -> String? {
        guard !path.isEmpty else { return nil }
        var url = URL(fileURLWithPath: path).standardizedFileURL
        if !includingSelf { url.deleteLastPathComponent() }
        while url.path != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) { return isFolder.boolValue ? nil : url.path }
            url.deleteLastPathComponent()
        }
        return nil
    }
}
