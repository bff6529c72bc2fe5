import Foundation
import TensorCore
import Recommender

/// A table read from CSV or JSON Lines: a header of column names and rows of optional text.
///
/// Empty fields are `nil`. Fields with invalid UTF-8 hold the text with U+FFFD in place of the bad
/// bytes and are listed in `invalidUTF8`, so a bad byte costs at most one value, never the row or
/// the file; each consumer applies its own policy (the text extractor rejects or accepts them).
public struct DataTable: Sendable {
    public var source: String
    public var columns: [String]
    public var rows: [[String?]] = []
    /// Line (CSV) or record (JSON Lines) number of each row, 1-based, for messages.
    public var lines: [Int] = []
    /// (row, column) of fields whose bytes were not valid UTF-8.
    public var invalidUTF8: [(row: Int, column: Int)] = []

    public init(source: String, columns: [String]) {
        self.source = source
        self.columns = columns
    }

    public var count: Int { rows.count }

    /// Index of `name`, or an error listing the columns and suggesting the nearest.
    public func column(_ name: String, role: String, key: String) throws -> Int {
        if let i = columns.firstIndex(of: name) { return i }
        let near = nearestKey(to: name, among: columns)
        throw DataError(
            file: source, column: name,
            message: "no column '\(name)' (configured as the \(role) by \(key)); the file has: \(columns.joined(separator: ", "))",
            hint: near.map { "did you mean '\($0)'? set \(key): \($0)" } ?? "set \(key) to one of the columns above")
    }

    public func values(_ column: Int) -> [String?] { rows.map { column < $0.count ? $0[column] : nil } }

    /// Reads a table, choosing the format from `format` or, for `auto`, from the extension.
    /// `limit` refuses a file with more rows as soon as the reader gets past them.
    public static func read(_ url: URL, format: TableFormat, delimiter: UInt8 = UInt8(ascii: ","),
                            limit: RowLimit? = nil) throws -> DataTable {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            let problem = FileSystemProblem.reading(url.path, failedWith: error)
            throw DataError(file: url.path, message: "cannot read the file: \(problem.reason)",
                            hint: problem.cause == .missing
                                ? "check the path in the pipeline file (relative paths start at the pipeline file's folder)" : problem.hint)
        }
        switch format.resolved(for: url) {
        case .jsonl: return try JSONLinesReader.read(bytes, source: url.path, limit: limit)
        default: return try CSVReader.read(bytes, source: url.path, delimiter: delimiter, limit: limit)
        }
    }
}

/// The most rows a table may have, and the pipeline key that sets it (for the message).
public struct RowLimit: Sendable {
    public var rows: Int
    public var key: String

    public init(rows: Int, key: String) {
        self.rows = rows
        self.key = key
    }

    /// Throws once a reader is about to keep row number `rows + 1` (at `line`).
    func check(_ kept: Int, source: String, line: Int) throws {
        guard kept >= rows else { return }
        throw DataError(file: source, line: line, message: "more than \(rows) rows, the limit set by \(key)",
                        hint: "raise \(key) if the file is genuine")
    }
}

/// File format of a table.
public enum TableFormat: String, Sendable, Codable, CaseIterable {
    case auto, csv, tsv, jsonl

    func resolved(for url: URL) -> TableFormat {
        guard self == .auto else { return self }
        switch url.pathExtension.lowercased() {
        case "jsonl", "ndjson", "json": return .jsonl
        case "tsv", "tab": return .tsv
        default: return .csv
        }
    }
}
