import Foundation
import TensorCore

/// Finds an item's media file from the value of its column: relative paths start at the media
/// root; paths that leave the root (`../`, absolute paths, symlinks out) are refused unless the
/// pipeline allows them.
struct MediaLocator: Sendable {
    let root: URL
    let allowOutsideRoot: Bool
    private let resolvedRoot: String

    init(root: URL, allowOutsideRoot: Bool) {
        self.root = root
        self.allowOutsideRoot = allowOutsideRoot
        resolvedRoot = root.resolvingSymlinksInPath().standardizedFileURL.path
    }

    func locate(_ value: String) throws -> URL {
        let url = value.hasPrefix("/") ? URL(fileURLWithPath: value) : root.appendingPathComponent(value)
        let standardized = url.standardizedFileURL
        guard FileManager.default.fileExists(atPath: standardized.path) else {
            throw ExtractionError(failureClass: .missing, message: "\(standardized.path): no such file (hint: paths are relative to \(root.path))")
        }
        if !allowOutsideRoot {
            let resolved = standardized.resolvingSymlinksInPath().path
            guard resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot + "/") else {
                throw ExtractionError(
                    failureClass: .unsupported,
                    message: "\(value): the path leaves the media root \(root.path) (hint: keep media under the root, or set data.allow_outside_root: true)")
            }
        }
        return standardized
    }
}
