import Foundation
import TensorCore
import Recommender

/// Reads a CSV or JSON Lines table a block at a time, so that a catalog of any size is read in
/// constant memory: each `next()` returns the rows completed by one more block of the file.
///
/// Rows, line numbers, invalid-UTF-8 positions and errors are those of `DataTable.read` on the
/// whole file (the same parsers, fed in pieces). With JSON Lines, columns appear as their keys
/// are first met, so a batch's rows may be shorter than the final `columns` (missing = nil).
final class TableStream {
    let source: String
    private let handle: FileHandle
    private let format: TableFormat
    private var csv: CSVParser
    private var columnIndex: [String: Int] = [:]
    private let decoder = JSONDecoder()
    private var lineNumber = 0
    /// Bytes read but not parsed yet (an incomplete line or a byte awaiting its successor).
    private var pending: [UInt8] = []
    private var atEnd = false
    /// Columns seen so far (all of them once the stream is exhausted).
    private(set) var columns: [String] = []
    private let blockSize: Int

    private let limit: RowLimit?
    /// Rows returned by earlier calls of `next()`.
    private var rowsBefore = 0

    /// `filter`: the rows a CSV reader needs whole (`CSVParser.RowFilter`); JSON Lines ignores it.
    init(_ url: URL, format: TableFormat, delimiter: UInt8 = UInt8(ascii: ","), limit: RowLimit? = nil,
         blockSize: Int = 1 << 20, filter: CSVParser.RowFilter? = nil) throws {
        source = url.path
        self.blockSize = blockSize
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            let problem = FileSystemProblem.reading(url.path, failedWith: error)
            throw DataError(file: url.path, message: "cannot read the file: \(problem.reason)",
                            hint: problem.cause == .missing
                                ? "check the path in the pipeline file (relative paths start at the pipeline file's folder)" : problem.hint)
        }
        self.format = format.resolved(for: url)
        csv = CSVParser(source: url.path, delimiter: delimiter, limit: limit, filter: filter)
        self.limit = limit
    }

    deinit { try? handle.close() }

    /// The rows completed by the next block(s); nil once the file is exhausted.
    func next() throws -> DataTable? {
        while !atEnd {
            let block: Data
            do {
                block = try handle.read(upToCount: blockSize) ?? Data()
            } catch {
                throw DataError(file: source, message: "cannot read the file: \(FileSystemProblem.reading(source, failedWith: error).reason)",
                                hint: "check that the file is readable")
            }
            atEnd = block.isEmpty
            pending.append(contentsOf: block)
            var table = DataTable(source: source, columns: columns)
            if format == .jsonl { try parseLines(&table) } else { try parseCSV(&table) }
            columns = table.columns
            rowsBefore += table.rows.count
            if !table.rows.isEmpty { return table }
        }
        return nil
    }

    private func parseCSV(_ table: inout DataTable) throws {
        let used = try pending.withUnsafeBufferPointer { try csv.consume($0, final: atEnd, into: &table) }
        pending.removeFirst(used)
        if atEnd { table.columns = try csv.columns() }
    }

    private func parseLines(_ table: inout DataTable) throws {
        var start = 0
        while start < pending.count {
            guard let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) ?? (atEnd ? pending.count : nil) else { break }
            lineNumber += 1
            try JSONLinesReader.parseLine(pending[start..<end], number: lineNumber, decoder: decoder,
                                          columnIndex: &columnIndex, limit: limit, kept: rowsBefore + table.rows.count, into: &table)
            start = end + 1
        }
        pending.removeFirst(min(start, pending.count))
    }
}

extension DataTable {
    /// The whole table read through `TableStream` in blocks of `blockSize` bytes: what
    /// `read(_:format:delimiter:)` returns, if the streaming parsers are right (the fuzz targets
    /// and `TableStreamTests` compare the two).
    public static func readStreamed(_ url: URL, format: TableFormat, delimiter: UInt8 = UInt8(ascii: ","),
                                    blockSize: Int) throws -> DataTable {
        let stream = try TableStream(url, format: format, delimiter: delimiter, blockSize: blockSize)
        var whole = DataTable(source: url.path, columns: [])
        while let part = try stream.next() {
            for (r, c) in part.invalidUTF8 { whole.invalidUTF8.append((whole.rows.count + r, c)) }
            whole.rows += part.rows
            whole.lines += part.lines
        }
        whole.columns = stream.columns
        if format.resolved(for: url) == .jsonl { JSONLinesReader.padRows(&whole) }
        return whole
    }
}
