import Foundation
import Recommender

/// RFC 4180 CSV: a header row, fields separated by a delimiter, optional double quotes around a
/// field (a quote inside is written twice, and quoted fields may span lines), LF or CRLF line
/// ends, an optional UTF-8 byte order mark. Blank lines are skipped.
public enum CSVReader {
    public static func read(_ bytes: [UInt8], source: String, delimiter: UInt8 = UInt8(ascii: ","),
                            limit: RowLimit? = nil) throws -> DataTable {
        var parser = CSVParser(source: source, delimiter: delimiter, limit: limit)
        var table = DataTable(source: source, columns: [])
        _ = try bytes.withUnsafeBufferPointer { try parser.consume($0, final: true, into: &table) }
        table.columns = try parser.columns()
        return table
    }
}

/// The CSV state machine, fed a block of bytes at a time: `CSVReader` gives it the whole file,
/// `TableStream` one block after another, and both get the same rows, lines and errors.
struct CSVParser {
    let source: String
    let delimiter: UInt8
    private(set) var header: [String]?
    private var row: [String?] = []
    private var field: [UInt8] = []
    private var fieldWasQuoted = false
    private var inQuotes = false
    private var line = 1, rowStartLine = 1
    private var badFields: [Int] = []
    private var atStart = true
    /// Refuses the row past it (data.max_items), counted over every block.
    private let limit: RowLimit?
    private var rowsKept = 0
    /// Rows whose key the filter rejects end at the key.
    private let filter: RowFilter?
    private var keyIndex: Int?
    /// Set once the current row's key is rejected: its later fields are not decoded.
    private var skippingRow = false

    /// Which rows a reader needs whole: those whose key, in `column` (spaces trimmed, not empty),
    /// `keeps`. The others still count as rows, with their lines and errors, but end at the key:
    /// their later fields are not decoded (nor checked for invalid UTF-8), and such a row is an
    /// array of the fields up to the key, not of the header's width. A shard's reader makes no
    /// strings for the other shards' rows, which were most of its parsing, and the small arrays
    /// it makes for them, freed at once between the rows it keeps, no longer scatter its heap
    /// (docs/scale-out.md).
    struct RowFilter {
        let column: String
        let keeps: (String) -> Bool
    }

    init(source: String, delimiter: UInt8, limit: RowLimit? = nil, filter: RowFilter? = nil) {
        self.source = source
        self.delimiter = delimiter
        self.limit = limit
        self.filter = filter
    }

    /// The header, or the error of a file without one (call after the last block).
    func columns() throws -> [String] {
        guard let header else {
            throw DataError(file: source, message: "the file is empty", hint: "a CSV file starts with a header row naming its columns")
        }
        return header
    }

    /// Parses `buf`, appending complete rows to `table`; returns how many bytes it used. A byte
    /// whose meaning depends on the next one (a quote, a carriage return, a possible byte order
    /// mark) is left for the next block unless `final`.
    mutating func consume(_ buf: UnsafeBufferPointer<UInt8>, final: Bool, into table: inout DataTable) throws -> Int {
        var i = 0
        let n = buf.count
        if atStart {
            guard n >= 3 || final else { return 0 }
            if n >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { i = 3 }
            atStart = false
        }
        while i < n {
            let b = buf[i]
            if !final && i + 1 == n && (b == UInt8(ascii: "\"") || b == UInt8(ascii: "\r")) { return i }
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < n, buf[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 2; continue }
                    inQuotes = false
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                if field.isEmpty { inQuotes = true; fieldWasQuoted = true } else { field.append(b) }
            case delimiter:
                endField()
            case UInt8(ascii: "\r") where i + 1 < n && buf[i + 1] == UInt8(ascii: "\n"):
                break
            case UInt8(ascii: "\n"):
                try endRow(into: &table)
                line += 1
                rowStartLine = line
            default:
                field.append(b)
            }
            i += 1
        }
        if final {
            if inQuotes {
                throw DataError(file: source, line: rowStartLine, message: "a quoted field is never closed",
                                hint: "add the closing double quote")
            }
            if !field.isEmpty || !row.isEmpty { try endRow(into: &table) }
        }
        return n
    }

    private mutating func endField() {
        defer {
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        if skippingRow { return row.append(nil) }
        if let s = String(validatingUTF8Bytes: field) {
            row.append(s.isEmpty && !fieldWasQuoted ? nil : s)
        } else {  // kept with U+FFFD replacements; the position is reported, the user's policy decides
            badFields.append(row.count)
            row.append(String(decoding: field, as: UTF8.self))
        }
        if let keyIndex, row.count == keyIndex + 1, let key = row[keyIndex]?.trimmedSpaces, !key.isEmpty,
           filter?.keeps(key) == false {
            skippingRow = true
        }
    }

    private mutating func endRow(into table: inout DataTable) throws {
        endField()
        defer { row.removeAll(keepingCapacity: true); badFields.removeAll(); skippingRow = false }
        if row.count == 1 && row[0] == nil && badFields.isEmpty { return }  // blank line
        guard let names = header else {
            header = row.enumerated().map { $1 ?? "column\($0 + 1)" }
            table.columns = header!
            keyIndex = filter.flatMap { header!.firstIndex(of: $0.column) }
            return
        }
        if row.count > names.count {
            throw DataError(file: source, line: rowStartLine,
                            message: "row has \(row.count) fields but the header has \(names.count)",
                            hint: "quote fields that contain the delimiter, e.g. \"a, b\"")
        }
        try limit?.check(rowsKept, source: source, line: rowStartLine)
        rowsKept += 1
        for c in badFields { table.invalidUTF8.append((table.rows.count, c)) }
        if skippingRow, let keyIndex {
            // Up to the key only: `row` keeps its buffer, so a rejected row costs one small array.
            table.rows.append(Array(row[...keyIndex]))
            table.lines.append(rowStartLine)
            return
        }
        // A short row's missing trailing fields are empty: every row has the header's width,
        // so consumers may index any column (a short row used to crash the item-id lookup).
        if row.count < names.count { row += [String?](repeating: nil, count: names.count - row.count) }
        table.rows.append(row)
        table.lines.append(rowStartLine)
    }
}

extension String {
    /// The string for valid UTF-8 bytes, nil otherwise (no replacement characters).
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
