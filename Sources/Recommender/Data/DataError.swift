/// A problem with the user's data: names the file, the line or record, the column, and a hint.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line (CSV) or record (JSON Lines); 0 when the problem is not about one row.
    public var line: Int
    public var column: String?
    public var message: String
    public var hint: String?

    public init(file: String, line: Int = 0, column: String? = nil, message: String, hint: String? = nil) {
        self.file = file; self.line = line; self.column = column; self.message = message; self.hint = hint
    }

    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if let column { s += ": column '\(column)'" }
        s += ": \(message)"
        if let hint { s += " (hint: \(hint))" }
        return s
    }
}
