import Foundation
import TensorCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The checks before a media file is read: each refusal has its class and the one message format
/// `<path>: <detail> (hint: <hint>)`.
@Suite struct MediaFileCheckTests {
    func refusal(_ path: String, maxBytes: Int = 10) -> ItemError? {
        do {
            _ = try MediaFileCheck.readableSize(path, maxBytes: maxBytes, modality: "image")
            return nil
        } catch {
            return error
        }
    }

    @Test func eachRefusalHasItsClassAndTheOneFormat() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = root.appendingPathComponent("empty.png").path, big = root.appendingPathComponent("big.png").path
        let pipe = root.appendingPathComponent("pipe.png").path, missing = root.appendingPathComponent("none.png").path
        try Data().write(to: URL(fileURLWithPath: empty))
        try Data(count: 11).write(to: URL(fileURLWithPath: big))
        #expect(mkfifo(pipe, 0o600) == 0)

        #expect(refusal(missing)?.message == "\(missing): no such file (hint: check the path)")
        #expect(refusal(empty)?.description
            == "empty: \(empty): the file is empty (0 bytes) (hint: the download or copy probably failed; fetch the file again, or drop the item)")
        #expect(refusal(big)?.description == "too_large: \(big): the file has 11 bytes, more than max_bytes 10 (hint: raise features.image.max_bytes if the file is genuine)")
        #expect(refusal(root.path)?.description == "unsupported: \(root.path): a directory, not a file (hint: point the item's column at a file)")
        #expect(refusal(pipe)?.failureClass == .unsupported)
        #expect(refusal(big, maxBytes: 11) == nil)
    }
}
