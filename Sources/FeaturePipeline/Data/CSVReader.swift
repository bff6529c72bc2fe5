import Foundation
import Recommender

/// RFC 4180 CSV: a header row, fields separated by a delimiter, optional double quotes around a
/// field (a quote inside is written twice, and quoted fields may span lines), LF or CRLF line
/// ends, an optional UTF-8 byte order mark. Blank lines are skipped.
public enum CSVReader {
    public static func read(_ bytes: [UInt8], source: String, delimiter: UInt8 = UInt8(ascii: ","),
                            limit: RowLimit? = nil) throws -> DataTable {
        var table = DataTable(source: source, columns: [])
        var header: [String]?
        var row: [String?] = []
        var field: [UInt8] = []
        var fieldWasQuoted = false
        var line = 1, rowStartLine = 1
        var badFields: [Int] = []

        func endField() {
            if let s = String(validatingUTF8Bytes: field) {
                row.append(s.isEmpty && !fieldWasQuoted ? nil : s)
            } else {  // kept with U+FFFD replacements; the position is reported, the user's policy decides
                badFields.append(row.count)
                row.append(String(decoding: field, as: UTF8.self))
            }
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRow() throws {
            endField()
            defer { row.removeAll(keepingCapacity: true); badFields.removeAll() }
            if row.count == 1 && row[0] == nil && badFields.isEmpty { return }  // blank line
            guard let names = header else {
                header = row.enumerated().map { $1 ?? "column\($0 + 1)" }
                table.columns = header!
                return
            }
            if row.count > names.count {
                throw DataError(file: source, line: rowStartLine,
                                message: "row has \(row.count) fields but the header has \(names.count)",
                                hint: "quote fields that contain the delimiter, e.g. \"a, b\"")
            }
            try limit?.check(table.rows.count, source: source, line: rowStartLine)
            for c in badFields { table.invalidUTF8.append((table.rows.count, c)) }
            // A short row's missing trailing fields are empty: every row has the header's width,
            // so consumers may index any column (a short row used to crash the item-id lookup).
            if row.count < names.count { row += [String?](repeating: nil, count: names.count - row.count) }
            table.rows.append(row)
            table.lines.append(rowStartLine)
        }

        try bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            if n >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { i = 3 }
            var inQuotes = false
            while i < n {
                let b = buf[i]
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
                    try endRow()
                    line += 1
                    rowStartLine = line
                default:
                    field.append(b)
                }
                i += 1
            }
            if inQuotes {
                throw DataError(file: source, line: rowStartLine, message: "a quoted field is never closed",
                                hint: "add the closing double quote")
            }
            if !field.isEmpty || !row.isEmpty { try endRow() }
        }
        if header == nil {
            throw DataError(file: source, message: "the file is empty", hint: "a CSV file starts with a header row naming its columns")
        }
        return table
    }
}

extension String {
    /// The string for valid UTF-8 bytes, nil otherwise (no replacement characters).
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        loop: while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s): scalars.append(s)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = String(scalars)
    }
}
