/// Builds CSV text: a header, then rows; fields with a comma, quote or line break are quoted.
struct CSVWriter {
    private(set) var text: String

    init(header: [String]) { text = header.map(Self.escape).joined(separator: ",") + "\n" }

    mutating func append(_ row: [String]) { text += row.map(Self.escape).joined(separator: ",") + "\n" }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
