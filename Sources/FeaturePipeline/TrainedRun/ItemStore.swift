import Foundation
import TensorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The run's item store, RUN/item_store/items.jsonl: the items posted to `pipeline serve` after
/// training, one `PostedItem` per line in the order they were added, so they survive a restart
/// and a reload, and `predict`, `recommend` and `similar` read them too (docs/serving.md).
///
/// Lines are only appended, each batch with one write and an fsync. A line is the item's JSON
/// (sorted keys) with a last key `sha256`, the SHA-256 of that JSON without it: a crash leaves at
/// most an incomplete last line, and a damaged line fails its hash; readers drop either with a
/// warning, and the server cuts an incomplete tail off before it appends again.
public struct ItemStore: Sendable {
    public static let path = "item_store/items.jsonl"
    public let url: URL

    public init(run: URL) { url = run.appendingPathComponent(Self.path) }

    /// What a read found: the items of the good lines in order, a warning per line dropped, and
    /// the length of the file up to its last complete line.
    public struct Contents: Sendable {
        public var items: [PostedItem] = []
        public var warnings: [String] = []
        public var completeBytes = 0
        /// Whether the file ends in a line without its newline (dropped).
        public var incompleteTail = false
    }

    /// Reads the store; an absent store is empty.
    public func read() throws -> Contents {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            if FileManager.default.fileExists(atPath: url.path) { throw FileSystemProblem.reading(url.path, failedWith: error) }
            return Contents()
        }
        var contents = Contents()
        var start = data.startIndex, number = 0
        while start < data.endIndex {
            number += 1
            guard let end = data[start...].firstIndex(of: 0x0A) else {
                contents.warnings.append("\(Self.path): line \(number) is incomplete (a write cut short); it is dropped")
                contents.incompleteTail = true
                break
            }
            if let item = Self.item(fromLine: data[start..<end]) {
                contents.items.append(item)
            } else {
                contents.warnings.append("\(Self.path): line \(number) is damaged (not an item, or its sha256 does not match); it is dropped")
            }
            start = end + 1
            contents.completeBytes = start - data.startIndex
        }
        return contents
    }

    /// Cuts the file back to `length` bytes (its complete lines), so the next append starts a line.
    public func truncate(to length: Int) throws {
        guard Glibc.truncate(url.path, off_t(length)) == 0 else { throw FileSystemProblem(errno: errno, action: .write, path: url.path) }
    }

    /// Appends `items` as lines, with one write, and flushes them to disk before returning.
    public func append(_ items: [PostedItem]) throws {
        do {
            try write(items)
        } catch let problem as FileSystemProblem {
            throw PipelineError(what: "cannot write the item store \(url.path): \(problem.reason)", hint: problem.hint)
        }
    }

    private func write(_ items: [PostedItem]) throws {
        var bytes = Data()
        for item in items { bytes += try Self.line(item) }
        let folder = url.deletingLastPathComponent().path
        try FileSystemProblem.createFolder(folder)
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemProblem(errno: errno, action: .write, path: url.path) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw FileSystemProblem(errno: errno, action: .write, path: url.path) }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw FileSystemProblem(errno: errno, action: .write, path: url.path) }
    }

    /// `item`'s JSON with its `sha256` as the last key, and a newline.
    static func line(_ item: PostedItem) throws -> Data {
        let json = try StableJSON.encoder(pretty: false).encode(item)
        return json.dropLast() + Data(",\"sha256\":\"\(ContentHash.hex(json))\"}\n".utf8)
    }

    /// The item on a line, nil when the line is not one or its hash does not match.
    static func item(fromLine line: Data) -> PostedItem? {
        struct Check: Decodable { var sha256: String }
        guard let check = try? JSONDecoder().decode(Check.self, from: line),
              let item = try? JSONDecoder().decode(PostedItem.self, from: line),
              let json = try? StableJSON.encoder(pretty: false).encode(item), ContentHash.hex(json) == check.sha256
        else { return nil }
        return item
    }
}
