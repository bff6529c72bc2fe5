/// How text is cut into tokens: normalisation, case, the token pattern, Chinese/Japanese handling,
/// stop words and word n-grams. YAML: `features.text.tokenizer`.
///
/// With `normalize: none`, `cjk: none` and the default pattern this is exactly scikit-learn's
/// `CountVectorizer().build_analyzer()` (lowercase=True, strip_accents=None,
/// token_pattern=`(?u)\b\w\w+\b`); `normalize: nfkc` equals passing
/// `preprocessor=lambda s: unicodedata.normalize("NFKC", s).lower()`. docs/text.md has the mapping.
public struct TokenizerOptions: Sendable, Codable, Equatable {
    /// scikit-learn's default `token_pattern`: runs of two or more word characters.
    public static let sklearnPattern = #"(?u)\b\w\w+\b"#

    public enum Normalization: String, Sendable, Codable, Equatable, CaseIterable {
        /// Unicode compatibility composition (full-width forms, ligatures, composed accents).
        case nfkc
        /// Text is used as given.
        case none
    }

    /// How runs of Han, Hiragana and Katakana characters become tokens.
    public enum CJKMode: String, Sendable, Codable, Equatable, CaseIterable {
        /// Ideographs are ordinary word characters (scikit-learn: a whole sentence is one token).
        case none
        /// Every character is a token.
        case unigrams
        /// Every adjacent pair of characters is a token; a lone character is a token by itself.
        case bigrams
        /// Each character, then the pair it starts, in text order.
        case both
    }

    /// Which tokens are dropped before n-grams are formed.
    public enum StopWords: Sendable, Equatable {
        case none
        /// scikit-learn's `ENGLISH_STOP_WORDS` (318 words).
        case english
        /// A custom list; each word is normalised like the text (NFKC, lowercase) before matching.
        case list([String])
    }

    /// Unicode normalisation applied first. Default `nfkc`.
    public var normalize: Normalization = .nfkc
    /// Full Unicode lowercasing (Python `str.lower`, with the Greek final-sigma rule). Default true.
    public var lowercase = true
    /// Token pattern. The scikit-learn default and `(?u)\b\w+\b` run on the fast built-in scanner
    /// (Python `re` semantics of `\w`). Any other pattern is a Swift `Regex` (a leading `(?u)` is
    /// dropped) matched over the normalised text; its `\w` follows Unicode UTS #18 rather than
    /// Python (marks count as word characters), and `cjk` must then be `none`.
    public var tokenPattern = TokenizerOptions.sklearnPattern
    /// Chinese/Japanese segmentation. Default `bigrams`.
    public var cjk: CJKMode = .bigrams
    /// Default `none`.
    public var stopWords: StopWords = .none
    /// Word n-gram lengths, inclusive: `[1, 1]` unigrams only; range 1 ≤ min ≤ max ≤ 5. N-grams
    /// never span two fields.
    public var ngramRange: ClosedRange<Int> = 1...1

    public init(
        normalize: Normalization = .nfkc, lowercase: Bool = true, tokenPattern: String = TokenizerOptions.sklearnPattern,
        cjk: CJKMode = .bigrams, stopWords: StopWords = .none, ngramRange: ClosedRange<Int> = 1...1
    ) {
        self.normalize = normalize; self.lowercase = lowercase; self.tokenPattern = tokenPattern
        self.cjk = cjk; self.stopWords = stopWords; self.ngramRange = ngramRange
    }

    /// The fast scanner's minimum token length in scalars for `tokenPattern`, or nil for a custom pattern.
    var builtInMinimumLength: Int? {
        switch tokenPattern {
        case #"(?u)\b\w\w+\b"#, #"\b\w\w+\b"#: return 2
        case #"(?u)\b\w+\b"#, #"\b\w+\b"#: return 1
        default: return nil
        }
    }

    /// A custom pattern as Swift `Regex` source: Python's leading `(?u)` is dropped (it is a no-op
    /// in Python 3, and Swift has no such flag).
    var swiftPattern: String { tokenPattern.hasPrefix("(?u)") ? String(tokenPattern.dropFirst(4)) : tokenPattern }

    /// Every problem with these options, each naming its YAML key; empty when valid.
    public func problems(prefix: String = "tokenizer") -> [String] {
        var out: [String] = []
        if ngramRange.lowerBound < 1 || ngramRange.upperBound > 5 {
            out.append("\(prefix).ngram_range: [\(ngramRange.lowerBound), \(ngramRange.upperBound)] must satisfy 1 <= min <= max <= 5")
        }
        if builtInMinimumLength == nil {
            if (try? Regex(swiftPattern)) == nil {
                out.append("\(prefix).pattern: '\(tokenPattern)' is not a valid regular expression")
            }
            if cjk != .none {
                out.append("\(prefix).cjk: must be none with a custom pattern (hint: use the default pattern, or cjk: none)")
            }
        }
        if case .list(let words) = stopWords, words.contains(where: \.isEmpty) {
            out.append("\(prefix).stop_words: the list holds an empty word")
        }
        return out
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case normalize, lowercase, pattern, cjk, stopWords = "stop_words", ngramRange = "ngram_range"
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        normalize = try c.decodeIfPresent(Normalization.self, forKey: .normalize) ?? .nfkc
        lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? true
        tokenPattern = try c.decodeIfPresent(String.self, forKey: .pattern) ?? TokenizerOptions.sklearnPattern
        cjk = try c.decodeIfPresent(CJKMode.self, forKey: .cjk) ?? .bigrams
        stopWords = try c.decodeIfPresent(StopWords.self, forKey: .stopWords) ?? .none
        if let range = try c.decodeIfPresent([Int].self, forKey: .ngramRange) {
            guard range.count == 2, range[0] <= range[1] else {
                throw DecodingError.dataCorruptedError(
                    forKey: .ngramRange, in: c, debugDescription: "expected [min, max] with min <= max, got \(range)")
            }
            ngramRange = range[0]...range[1]
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(normalize, forKey: .normalize)
        try c.encode(lowercase, forKey: .lowercase)
        try c.encode(tokenPattern, forKey: .pattern)
        try c.encode(cjk, forKey: .cjk)
        try c.encode(stopWords, forKey: .stopWords)
        try c.encode([ngramRange.lowerBound, ngramRange.upperBound], forKey: .ngramRange)
    }
}

/// YAML `stop_words: none | english | [word, …]`.
extension TokenizerOptions.StopWords: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let words = try? c.decode([String].self) { self = .list(words); return }
        switch try c.decode(String.self) {
        case "none": self = .none
        case "english": self = .english
        case let other:
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "stop_words must be none, english or a list of words, got '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .none: try c.encode("none")
        case .english: try c.encode("english")
        case .list(let words): try c.encode(words)
        }
    }
}

/// Any string key, to list the keys a mapping actually holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Throws when the mapping being decoded holds a key outside `known`, naming it and the valid keys.
func rejectUnknownKeys(_ decoder: any Decoder, known: [String]) throws {
    let c = try decoder.container(keyedBy: AnyCodingKey.self)
    for key in c.allKeys where !known.contains(key.stringValue) {
        throw DecodingError.dataCorruptedError(
            forKey: key, in: c,
            debugDescription: "unknown key '\(key.stringValue)' (valid keys: \(known.sorted().joined(separator: ", ")))")
    }
}
