import Foundation
import Recommender

/// JSON Lines: one JSON object per line. The columns are the union of the objects' keys in
/// first-seen order. Numbers and booleans become their text; lists of scalars are joined with
/// `|` (the default separator of multi-valued fields); nested objects are rejected.
public enum JSONLinesReader {
    public static func read(_ bytes: [UInt8], source: String, limit: RowLimit? = nil) throws -> DataTable {
        var table = DataTable(source: source, columns: [])
        var columnIndex: [String: Int] = [:]
        var lineNumber = 0
        let decoder = JSONDecoder()
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            lineNumber += 1
            defer { start = end + 1 }
            try parseLine(bytes[start..<end], number: lineNumber, decoder: decoder, columnIndex: &columnIndex,
                          limit: limit, kept: table.rows.count, into: &table)
        }
        padRows(&table)
        return table
    }

    /// Appends the object on one line (without its newline) to `table`; blank lines are skipped.
    /// New keys become new columns, so earlier rows may be shorter than `table.columns`.
    /// `kept` rows were kept before this one (for `limit`, data.max_items).
    static func parseLine(_ slice: ArraySlice<UInt8>, number lineNumber: Int, decoder: JSONDecoder,
                          columnIndex: inout [String: Int], limit: RowLimit?, kept: Int, into table: inout DataTable) throws {
        let source = table.source
        if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        try limit?.check(kept, source: source, line: lineNumber)
        guard let object = try? decoder.decode(JSONValue.self, from: Data(slice)) else {
            throw DataError(file: source, line: lineNumber, message: "not valid JSON (or not valid UTF-8)",
                            hint: "each line must be one JSON object such as {\"item_id\": \"a1\", \"title\": \"…\"}")
        }
        try append(object, number: lineNumber, columnIndex: &columnIndex, into: &table)
    }

    /// Appends one decoded record to `table` as a row: an object's keys become columns (new keys
    /// new columns), its values text. Record `number` names it in messages.
    static func append(_ object: JSONValue, number lineNumber: Int, columnIndex: inout [String: Int], into table: inout DataTable) throws {
        let source = table.source
        guard case .object(let dict) = object else {
            throw DataError(file: source, line: lineNumber, message: "the line is JSON but not an object",
                            hint: "write one {\"key\": value, …} object per line")
        }
        var row = [String?](repeating: nil, count: table.columns.count)
        for key in dict.keys.sorted() {
            if columnIndex[key] == nil {
                columnIndex[key] = table.columns.count
                table.columns.append(key)
                row.append(nil)
            }
            row[columnIndex[key]!] = try text(of: dict[key]!, key: key, line: lineNumber, source: source)
        }
        table.rows.append(row)
        table.lines.append(lineNumber)
    }

    /// The records of one JSON document, an object or a list of objects, as a table read the way
    /// a JSON Lines file's lines are (record k is the list's k-th object, from 1).
    public static func read(document: Data, source: String) throws -> DataTable {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: document) else {
            throw DataError(file: source, message: "not valid JSON", hint: "send one JSON object, or a list of them")
        }
        var table = DataTable(source: source, columns: [])
        var columnIndex: [String: Int] = [:]
        let records: [JSONValue]
        if case .array(let list) = value { records = list } else { records = [value] }
        for (k, record) in records.enumerated() {
            try append(record, number: k + 1, columnIndex: &columnIndex, into: &table)
        }
        padRows(&table)
        return table
    }

    /// Pads every row with nil to the width of the header.
    static func padRows(_ table: inout DataTable) {
        let width = table.columns.count
        table.rows = table.rows.map { $0.count < width ? $0 + [String?](repeating: nil, count: width - $0.count) : $0 }
    }

    private static func text(of value: JSONValue, key: String, line: Int, source: String) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let s): return s.isEmpty ? nil : s
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        case .array(let list):
            return try list.compactMap { try text(of: $0, key: key, line: line, source: source) }.joined(separator: "|")
        case .object:
            throw DataError(file: source, line: line, column: key, message: "nested objects are not supported",
                            hint: "flatten the value into separate keys")
        }
    }
}

/// Any JSON value, decoded with the type JSON gave it (booleans stay booleans).
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}
