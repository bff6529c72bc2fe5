/// Interactions exactly as read from the interactions file: one entry per data row, every value
/// still text and possibly missing. Preprocessing decides what is usable and reports the rest.
public struct InteractionLog: Sendable, Codable {
    /// File name used in messages.
    public var source: String
    public var users: [String?] = []
    public var items: [String?] = []
    public var ratings: [String?] = []
    public var timestamps: [String?] = []
    /// Values of the split column (`train`, `valid`, `test`) when the split method is `column`.
    public var splitTags: [String?] = []
    /// Line (CSV) or record (JSON Lines) number of each row in the source, for messages.
    public var lines: [Int] = []
    /// Implicit feedback: the file has no ratings and every row reads as rating 1.
    public var implicit = false

    public init(source: String) { self.source = source }

    public var count: Int { users.count }

    public mutating func append(user: String?, item: String?, rating: String?, timestamp: String?, splitTag: String?, line: Int) {
        users.append(user); items.append(item); ratings.append(rating)
        timestamps.append(timestamp); splitTags.append(splitTag); lines.append(line)
    }
}
