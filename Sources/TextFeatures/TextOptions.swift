import TensorCore

/// Every knob of the text extractor, as the YAML block `features.text` (snake_case keys, listed
/// once in `TextOptions.keys`; a missing key takes its default, an unknown key is an error naming it).
///
/// ```yaml
/// features:
///   text:
///     fields: [{name: title, weight: 2}, {name: description}]
///     tokenizer: {normalize: nfkc, lowercase: true, cjk: bigrams, stop_words: none, ngram_range: [1, 1]}
///     vocabulary: {min_df: 1, max_df: 1.0, max_size: null, unknown: false}
///     hashing: null            # or {bits: 20, alternate_sign: true}; replaces the vocabulary
///     weighting: tfidf         # count | binary | tfidf
///     smooth_idf: true
///     sublinear_tf: false
///     norm: l2                 # l2 | none
///     max_tokens: 100000
///     on_too_many_tokens: truncate   # truncate | reject
///     invalid_utf8: reject     # reject | replace
///     encoder: {dim: 64, trainable: true, export_sparse: false}   # saved with models; not a pipeline-file key
/// ```
public struct TextOptions: Sendable, Equatable {
    /// One text field of an item. Each occurrence of a token in this field counts `weight` (> 0).
    public struct Field: Sendable, Codable, Equatable {
        public var name: String
        public var weight: Double
        public init(name: String, weight: Double = 1) { self.name = name; self.weight = weight }
        public init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) { self.init(name: name); return }
            try OptionCodingKey.rejectUnknownKeys(decoder, known: ["name", "weight"])
            let c = try decoder.container(keyedBy: OptionCodingKey.self)
            self.init(
                name: try c.decode(String.self, forKey: .init(stringValue: "name")),
                weight: try c.decodeIfPresent(Double.self, forKey: .init(stringValue: "weight")) ?? 1)
        }
    }

    /// The fitted vocabulary: which terms get an id.
    public struct VocabularyOptions: Sendable, Equatable {
        /// Minimum number of training documents containing a term (scikit-learn `min_df` as an
        /// integer). Range ≥ 1; default 1.
        public var minDF = 1
        /// Maximum fraction of training documents containing a term (scikit-learn `max_df` as a
        /// float): terms with df > max_df · n are dropped like stop words. Range (0, 1]; default 1.
        public var maxDF = 1.0
        /// Keep at most this many terms, the most frequent by total count (scikit-learn
        /// `max_features`). nil = no limit; range ≥ 1.
        public var maxSize: Int? = nil
        /// Whether terms outside the vocabulary (unseen, or cut by min_df / max_size) map to one
        /// extra id, `terms.count`. Default false (they are dropped, as scikit-learn does).
        public var unknown = false

        public init(minDF: Int = 1, maxDF: Double = 1.0, maxSize: Int? = nil, unknown: Bool = false) {
            self.minDF = minDF; self.maxDF = maxDF; self.maxSize = maxSize; self.unknown = unknown
        }
        /// Every key at its default.
        public init() {}
    }

    /// The hashing trick instead of a vocabulary (scikit-learn `HashingVectorizer`).
    public struct HashingOptions: Sendable, Equatable {
        /// 2^bits buckets. Range 1…30; default 20 (scikit-learn's n_features = 2^20).
        public var bits = 20
        /// Multiply each count by the sign of its MurmurHash3 value, so collisions cancel on
        /// average. Default true.
        public var alternateSign = true
        public init(bits: Int = 20, alternateSign: Bool = true) { self.bits = bits; self.alternateSign = alternateSign }
        /// Every key at its default.
        public init() {}
        public var bucketCount: Int { 1 << bits }
    }

    public enum Weighting: String, Sendable, Codable, Equatable, CaseIterable, OptionChoice {
        /// Raw (field-weighted) counts.
        case count
        /// 1 for every present term.
        case binary
        /// tf · idf (scikit-learn `TfidfVectorizer`).
        case tfidf
    }

    public enum Norm: String, Sendable, Codable, Equatable, CaseIterable, OptionChoice { case l2, none }

    public enum LimitPolicy: String, Sendable, Codable, Equatable, CaseIterable, OptionChoice {
        /// Keep the first `max_tokens` tokens of the text.
        case truncate
        /// Fail the item with `FailureClass.tooLarge`.
        case reject
    }

    /// The bag encoder the fused model builds over the ids (consumed by the pipeline, not here).
    public struct EncoderOptions: Sendable, Equatable {
        /// Embedding width. Range 1…4096; default 64.
        public var dim = 64
        /// Train the table end to end with the fused model (true) or keep it frozen. Default true.
        public var trainable = true
        /// Also write the sparse TF-IDF matrix (CSR) as an artifact. Default false.
        public var exportSparse = false
        public init(dim: Int = 64, trainable: Bool = true, exportSparse: Bool = false) {
            self.dim = dim; self.trainable = trainable; self.exportSparse = exportSparse
        }
        /// Every key at its default.
        public init() {}
    }

    /// Text fields joined into one bag, in order. Default `[description]`; at least one.
    public var fields = [Field(name: "description")]
    public var tokenizer = TokenizerOptions()
    public var vocabulary = VocabularyOptions()
    /// When set, the hashing trick replaces the vocabulary. Default nil.
    public var hashing: HashingOptions? = nil
    /// Default `tfidf`.
    public var weighting: Weighting = .tfidf
    /// idf = ln((1 + n) / (1 + df)) + 1 when true, ln(n / df) + 1 when false. Default true.
    public var smoothIDF = true
    /// tf = 1 + ln(tf) (for tf ≥ 1; a field-weighted tf below 1 is kept as is). Default false.
    public var sublinearTF = false
    /// Default `l2` (rows scaled to unit Euclidean length; an all-zero row stays zero).
    public var norm: Norm = .l2
    /// Most tokens read from one field's text (counted before stop words and n-grams).
    /// Range ≥ 1; default 100 000 (about 600 kB of English).
    public var maxTokens = 100_000
    /// What a longer text gets. Default `truncate`.
    public var onTooManyTokens: LimitPolicy = .truncate
    /// What `TextDecoding` does with bytes that are not UTF-8. Default `reject`.
    public var invalidUTF8: TextDecoding.Policy = .reject
    public var encoder = EncoderOptions()

    public init() {}

    /// Every problem with these options, each naming its YAML key under `prefix`; empty when valid.
    /// Values outside their key's range come from `TextOptions.keys`; the rest are rules about
    /// the fields and the tokenizer's pattern.
    public func problems(prefix: String = "features.text") -> [String] {
        var out = Self.keys.problems(self, prefix: prefix)
        if fields.isEmpty { out.append("\(prefix).fields: needs at least one field") }
        for (i, f) in fields.enumerated() where !(f.weight > 0 && f.weight.isFinite) {
            out.append("\(prefix).fields[\(i)].weight: \(f.weight) must be a finite number > 0")
        }
        if Set(fields.map(\.name)).count != fields.count { out.append("\(prefix).fields: a field is listed twice") }
        return out + tokenizer.crossKeyProblems(prefix: "\(prefix).tokenizer")
    }

    /// Throws `TextOptionsError` listing every problem at once.
    public func validate(prefix: String = "features.text") throws {
        let found = problems(prefix: prefix)
        if !found.isEmpty { throw TextOptionsError(problems: found) }
    }

}

/// Invalid `features.text` options; `problems` names each key.
public struct TextOptionsError: Error, CustomStringConvertible, Equatable {
    public var problems: [String]
    public var description: String { "invalid text options:\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
}
