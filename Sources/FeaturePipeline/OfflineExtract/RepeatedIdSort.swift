import Foundation
import HeapModule
import TensorCore

/// The rows of an items file whose id an earlier row already had, found without holding the ids.
///
/// A shard's first pass must admit exactly the rows an unsharded extract admits (the first row of
/// each id), which takes every id of the file; a set of them made a shard's memory grow with the
/// catalog (docs/scale-out.md). Here each (id, row) pair is buffered; a full buffer (`runBytes`)
/// is sorted by id, then row, and written to a hidden run file in `folder`; `repeatedRows` merges
/// the runs (at most `fanIn` at a time, merging groups into longer runs first) and, among equal
/// ids, every row but the first is a repeat. Ids are compared as Swift strings, as the in-memory
/// check compares them (canonically equivalent ids are one id), and written as their UTF-8 bytes.
///
/// Memory: the buffer and a block of at most 64 KiB per run merged, whatever the number of rows,
/// plus the repeats found (a row and its id each). Disk: about 12 bytes and the id per row, removed
/// when the sort is dropped (the runs are `AtomicFileWriter` temporaries, never committed).
final class RepeatedIdSort {
    private let folder: URL
    private let runBytes: Int
    private let fanIn: Int
    private var buffer: [(id: String, row: Int)] = []
    private var bufferedBytes = 0
    private var runs: [AtomicFileWriter] = []

    init(folder: URL, runBytes: Int = 4 << 20, fanIn: Int = 64) {
        precondition(fanIn >= 2, "a merge of fewer than 2 runs at a time never ends")
        (self.folder, self.runBytes, self.fanIn) = (folder, runBytes, fanIn)
    }

    /// Rows are added in ascending order.
    func add(_ id: String, row: Int) throws {
        buffer.append((id, row))
        bufferedBytes += 24 + (id.utf8.count > 15 ? id.utf8.count + 32 : 0)  // a tuple, and a string too long to sit inline
        if bufferedBytes >= runBytes { try writeRun() }
    }

    private func writeRun() throws {
        guard !buffer.isEmpty else { return }
        buffer.sort { ($0.id, $0.row) < ($1.id, $1.row) }
        let run = try newRun()
        var writer = RunWriter(run)
        for (id, row) in buffer { try writer.write(id, row: row) }
        try writer.flush()
        runs.append(run)
        buffer.removeAll(keepingCapacity: true)
        bufferedBytes = 0
    }

    private func newRun() throws -> AtomicFileWriter {
        try AtomicFileWriter(folder.appendingPathComponent("repeated-ids.run\(runs.count)"))
    }

    /// Every row whose id an earlier row had, with that id, in row order; the runs are removed.
    func repeatedRows() throws -> [(row: Int, id: String)] {
        try writeRun()
        buffer = []
        while runs.count > fanIn {
            let merged = try newRun()
            var writer = RunWriter(merged)
            try Self.merge(runs.prefix(fanIn)) { id, row in try writer.write(id, row: row) }
            try writer.flush()
            runs = Array(runs.dropFirst(fanIn)) + [merged]
        }
        var repeats: [(row: Int, id: String)] = []
        var previous: String?
        try Self.merge(runs[...]) { id, row in
            if id == previous { repeats.append((row, id)) } else { previous = id }
        }
        runs = []
        return repeats.sorted { $0.row < $1.row }
    }

    /// Calls `each` with the pairs of `runs` in (id, row) order.
    private static func merge(_ runs: ArraySlice<AtomicFileWriter>, _ each: (String, Int) throws -> Void) throws {
        let readers = runs.map { RunReader($0) }
        var heap = Heap<Head>()
        for (k, reader) in readers.enumerated() {
            if let (id, row) = try reader.next() { heap.insert(Head(id: id, row: row, run: k)) }
        }
        while let head = heap.popMin() {
            try each(head.id, head.row)
            if let (id, row) = try readers[head.run].next() { heap.insert(Head(id: id, row: row, run: head.run)) }
        }
    }

    private struct Head: Comparable {
        var id: String
        var row: Int
        var run: Int
        static func < (a: Head, b: Head) -> Bool { (a.id, a.row) < (b.id, b.row) }
        static func == (a: Head, b: Head) -> Bool { a.id == b.id && a.row == b.row }
    }
}

/// A run's pairs as bytes: the row (8 bytes, little-endian), the id's UTF-8 length (4 bytes) and bytes.
private struct RunWriter {
    let file: AtomicFileWriter
    var bytes: [UInt8] = []

    init(_ file: AtomicFileWriter) { self.file = file }

    mutating func write(_ id: String, row: Int) throws {
        withUnsafeBytes(of: UInt64(row).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(id.utf8.count).littleEndian) { bytes += $0 }
        bytes += id.utf8
        if bytes.count >= 1 << 16 { try flush() }
    }

    mutating func flush() throws {
        try file.append(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// A run read back a block of at most 64 KiB at a time.
private final class RunReader {
    let file: AtomicFileWriter
    private var offset = 0
    private var block: [UInt8] = []
    private var position = 0

    init(_ file: AtomicFileWriter) { self.file = file }

    func next() throws -> (String, Int)? {
        guard try available(12) else { return nil }
        let (row, length) = block.withUnsafeBytes { raw in
            (Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position + 8, as: UInt32.self))))
        }
        guard try available(12 + length) else { preconditionFailure("a run of repeated ids ends inside a pair") }
        let id = String(decoding: block[(position + 12)..<(position + 12 + length)], as: UTF8.self)
        position += 12 + length
        return (id, row)
    }

    /// Whether `count` bytes from `position` are in the block, reading more of the run if needed.
    private func available(_ count: Int) throws -> Bool {
        if block.count - position >= count { return true }
        let wanted = min(max(count, 1 << 16), file.size - offset + block.count - position)
        guard wanted >= count else { return false }
        let more = try file.read(at: offset, count: wanted - (block.count - position))
        offset += more.count
        block = Array(block[position...]) + more
        position = 0
        return true
    }
}
