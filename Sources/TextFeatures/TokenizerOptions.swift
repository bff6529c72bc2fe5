import TensorCore

/// How text is cut into tokens: normalisation, case, the token pattern, Chinese/Japanese handling,
/// stop words and word n-grams. YAML: `features.text.tokenizer`.
///
/// With `normalize: none`, `cjk: none` and the default pattern this is exactly scikit-learn's
/// `CountVectorizer().build_analyzer()` (lowercase=True, strip_accents=None,
/// token_pattern=`(?u)\b\w\w+\b`); `normalize: nfkc` equals passing
/// `preprocessor=lambda s: unicodedata.normalize("NFKC", s).lower()`. docs/text.md has the mapping.
public struct TokenizerOptions: Sendable, Equatable {
    /// scikit-learn's default `token_pattern`: runs of two or more word characters.
    public static let sklearnPattern = #"(?u)\b\w\w+\b"#

    public enum Normalization: String, Sendable, Codable, Equatable, CaseIterable, OptionChoice {
        /// Unicode compatibility composition (full-width forms, ligatures, composed accents).
        case nfkc
        /// Text is used as given.
        case none
    }

    /// How runs of Han, Hiragana and Katakana characters become tokens.
    public enum CJKMode: String, Sendable, Codable, Equatable, CaseIterable, OptionChoice {
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

    /// Every key at its default.
    public init() {}

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
        Self.keys.problems(self, prefix: prefix) + crossKeyProblems(prefix: prefix)
    }

    /// The rules about the pattern and the stop words that a key's range cannot say.
    func crossKeyProblems(prefix: String) -> [String] {
        var out: [String] = []
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
