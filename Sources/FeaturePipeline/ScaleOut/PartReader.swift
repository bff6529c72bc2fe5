import Foundation
import TensorCore

/// One part of a sharded extract read row by row in its (catalog) order: each item's row, id and
/// the bytes of each of its tensors, and its rejected inputs; nothing of the part is held whole.
final class PartReader {
    let folder: URL
    let manifest: PartManifest
    private let rows: LineReader
    private let ids: LineReader
    private let failures: LineReader
    private var cursors: [String: TensorCursor] = [:]
    /// The row of the next item, nil after the last.
    private(set) var nextRow: Int?
    private var pendingFailure: (row: Int, line: String)?

    init(folder: URL, manifest: PartManifest) throws {
        (self.folder, self.manifest) = (folder, manifest)
        rows = try LineReader(folder.appendingPathComponent(PartRows.rowsFile))
        ids = try LineReader(folder.appendingPathComponent(EmbeddingFiles.names.ids))
        failures = try LineReader(folder.appendingPathComponent(PartRows.failuresFile))
        if manifest.items > 0 {
            let url = folder.appendingPathComponent(EmbeddingFiles.names.safetensors)
            for (name, layout) in try TensorCursor.layouts(of: url) { cursors[name] = try TensorCursor(url, layout) }
        }
        nextRow = try readRow()
        pendingFailure = try readFailure()
    }

    private func readRow() throws -> Int? {
        guard let line = try rows.next() else { return nil }
        guard let row = Int(line) else { throw damaged(PartRows.rowsFile) }
        return row
    }

    private func readFailure() throws -> (row: Int, line: String)? {
        guard let line = try failures.next() else { return nil }
        guard let tab = line.firstIndex(of: "\t"), let row = Int(line[..<tab]) else { throw damaged(PartRows.failuresFile) }
        return (row, String(line[line.index(after: tab)...]))
    }

    func damaged(_ file: String) -> PipelineError {
        PipelineError(what: "damaged part \(folder.path): \(file) is not what part.json describes",
                      hint: "rerun shard \(manifest.shard)/\(manifest.shardCount)")
    }

    /// The next item's id and the bytes of one row of each named tensor; advances to the next item.
    func take(_ tensors: [String]) throws -> (id: String, rows: [[UInt8]]) {
        guard let id = try ids.next() else { throw damaged(EmbeddingFiles.names.ids) }
        let bytes = try tensors.map { name in
            guard let cursor = cursors[name] else { throw damaged(EmbeddingFiles.names.safetensors) }
            return try cursor.nextRow()
        }
        nextRow = try readRow()
        return (id, bytes)
    }

    /// The rejected inputs of rows before `end`, in the part's order.
    func failures(before end: Int) throws -> [(row: Int, line: String)] {
        var out: [(row: Int, line: String)] = []
        while let failure = pendingFailure, failure.row < end {
            out.append(failure)
            pendingFailure = try readFailure()
        }
        return out
    }
}

/// One tensor of a safetensors file read a row at a time, in blocks of up to 256 KiB: small
/// enough that a part of a 100 000-item catalog fills them already, so that merge's memory (a
/// block per part and tensor) does not grow with the catalog (1 MiB blocks did, 56 → 68 MiB
/// from 100 000 to 1 000 000 items).
final class TensorCursor {
    static let blockBytes = 1 << 18

    struct Layout {
        var offset: Int
        var rowBytes: Int
        var rows: Int
    }

    private let url: URL
    private let handle: FileHandle
    private let layout: Layout
    private var block: [UInt8] = []
    private var position = 0
    private var taken = 0

    init(_ url: URL, _ layout: Layout) throws {
        self.url = url
        handle = try FileHandle(forReadingFrom: url)
        self.layout = layout
        try handle.seek(toOffset: UInt64(layout.offset))
    }

    deinit { try? handle.close() }

    func nextRow() throws -> [UInt8] {
        precondition(taken < layout.rows, "read past the last row of a tensor")
        if position + layout.rowBytes > block.count {
            let rows = min(layout.rows - taken, max(1, Self.blockBytes / max(layout.rowBytes, 1)))
            block = [UInt8](try handle.read(upToCount: rows * layout.rowBytes) ?? Data())
            position = 0
            guard block.count == rows * layout.rowBytes else { throw TensorFileError.malformed(url.path, "ends inside a tensor") }
        }
        defer { position += layout.rowBytes; taken += 1 }
        return Array(block[position..<(position + layout.rowBytes)])
    }

    /// Each tensor's place in the file, from its header alone.
    static func layouts(of url: URL) throws -> [String: Layout] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let sizeBytes = [UInt8](try handle.read(upToCount: 8) ?? Data())
        guard sizeBytes.count == 8 else { throw TensorFileError.malformed(url.path, "shorter than the 8-byte header size") }
        let size = Int(sizeBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = try handle.read(upToCount: size) ?? Data()
        guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw TensorFileError.malformed(url.path, "header is not a JSON object")
        }
        var layouts: [String: Layout] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let info = value as? [String: Any], let code = info["dtype"] as? String, let dtype = Safetensors.DType(safetensorsCode: code),
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], let rows = shape.first else {
                throw TensorFileError.malformed(url.path, "entry '\(name)' lacks a dtype, a shape or data_offsets")
            }
            let rowBytes = shape.dropFirst().reduce(1, *) * dtype.size
            layouts[name] = Layout(offset: 8 + size + offsets[0], rowBytes: rowBytes, rows: rows)
        }
        return layouts
    }
}
