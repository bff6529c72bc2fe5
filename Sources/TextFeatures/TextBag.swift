/// One item's text fields, in the order of `TextOptions.fields`.
public struct TextDocument: Sendable, Equatable {
    /// The item's id.
    public var item: String
    /// One entry per configured field; nil when the item lacks the field.
    public var fields: [String?]
    /// Where the item is, for error messages: its line of the items file (`items.csv:12`), or
    /// `item '<id>'` when the caller does not say.
    public var source: String

    public init(item: String, fields: [String?], source: String? = nil) {
        self.item = item
        self.fields = fields
        self.source = source ?? "item '\(item)'"
    }

    /// A document with a single field.
    public init(item: String, text: String?) { self.init(item: item, fields: [text]) }

    /// What an `ItemError` about one of its fields names: `items.csv:12 column 'title'`.
    public func source(field: String) -> String { "\(source) column '\(field)'" }
}

/// One item's sparse text features: what the EmbeddingBag consumes, one row of the TF-IDF matrix.
///
/// `ids` are ascending and unique, each < `TextVectorizer.featureCount` (vocabulary ids, then the
/// unknown id `terms.count` when configured; or hashing buckets); `weights[k]` belongs to
/// `ids[k]` and is never 0. An item without any weighted term has empty `ids` and `weights`: the
/// zero vector, with `status` saying why (the fused model's missing mask is `isEmpty`).
public struct TextBag: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, Equatable {
        /// At least one term has a weight.
        case present
        /// Some field has text, but no term survived (blank, punctuation only, stop words only,
        /// every token outside the vocabulary, or hashed counts that cancelled).
        case empty
        /// Every field is missing.
        case missing
    }

    public var ids: [Int32]
    public var weights: [Float]
    public var status: Status
    /// Whether some field had more than `max_tokens` tokens and only the first were used.
    public var truncated: Bool

    public init(ids: [Int32], weights: [Float], status: Status, truncated: Bool = false) {
        precondition(ids.count == weights.count, "\(ids.count) ids but \(weights.count) weights")
        self.ids = ids; self.weights = weights; self.status = status; self.truncated = truncated
    }

    /// True for the zero vector (status `empty` or `missing`).
    public var isEmpty: Bool { ids.isEmpty }
}
