import TensorCore

/// The keys of `features.text`, once: YAML reading, JSON coding (the fitted state saved with a
/// model holds these options), range checks and the reference all walk these tables.
extension TextOptions: KeyedOptions {
    public static let keys = OptionTable<TextOptions>([
        // Each a name or {name, weight}: read by the spec, coded by `Field`.
        .custom("fields", \.fields, doc: "Columns joined into the item's text; each a name or {name, weight}."),
        .section("tokenizer", \.tokenizer, TokenizerOptions.keys, doc: "How text becomes terms."),
        .section("vocabulary", \.vocabulary, VocabularyOptions.keys, doc: "Vocabulary fitted on the train items (ignored with hashing)."),
        .optionalSection("hashing", \.hashing, empty: HashingOptions(), HashingOptions.keys,
                         doc: "Hashing trick instead of a vocabulary: signed 32-bit MurmurHash3 into 2^bits buckets (scikit-learn's HashingVectorizer)."),
        .choice("weighting", \.weighting, doc: "count, binary, or tfidf (scikit-learn's TfidfVectorizer definitions)."),
        .bool("smooth_idf", \.smoothIDF, doc: "idf = ln((1 + n) / (1 + df)) + 1 (false: ln(n / df) + 1)."),
        .bool("sublinear_tf", \.sublinearTF, doc: "Use 1 + ln(tf) instead of tf."),
        .choice("norm", \.norm, doc: "l2-normalise each item's weights."),
        .int("max_tokens", \.maxTokens, range: 1...100_000_000, doc: "Tokens per field beyond which on_too_many_tokens applies."),
        .choice("on_too_many_tokens", \.onTooManyTokens, doc: "truncate the text, or reject the item as too_large."),
        .choice("invalid_utf8", \.invalidUTF8, doc: "Text with invalid UTF-8 bytes: reject the item's text (corrupt) or replace the bytes with U+FFFD."),
        .section("encoder", \.encoder, EncoderOptions.keys, doc: "The bag encoder over the ids.", inPipelineFile: false),
    ])
}

extension TextOptions.VocabularyOptions: KeyedOptions {
    public static let keys = OptionTable<Self>([
        .int("min_df", \.minDF, range: 1...1_000_000, doc: "Terms in fewer train documents are dropped."),
        .double("max_df", \.maxDF, range: 0.000001...1, doc: "Terms in a larger share of train documents are dropped."),
        .optionalInt("max_size", \.maxSize, range: 1...100_000_000, doc: "Keep the most frequent terms only (count, then term)."),
        .bool("unknown", \.unknown, doc: "Map out-of-vocabulary terms to one extra id instead of dropping them."),
    ])
}

extension TextOptions.HashingOptions: KeyedOptions {
    public static let keys = OptionTable<Self>([
        .int("bits", \.bits, range: 1...30, doc: "log2 of the bucket count."),
        .bool("alternate_sign", \.alternateSign, doc: "Sign from the hash, as scikit-learn."),
    ])
}

extension TextOptions.EncoderOptions: KeyedOptions {
    public static let keys = OptionTable<Self>([
        .int("dim", \.dim, range: 1...4096, doc: "Embedding width."),
        .bool("trainable", \.trainable, doc: "Train the table end to end with the fused model."),
        .bool("export_sparse", \.exportSparse, doc: "Also write the sparse TF-IDF matrix (CSR)."),
    ])
}

extension TokenizerOptions: KeyedOptions {
    public static let keys = OptionTable<TokenizerOptions>([
        .choice("normalize", \.normalize, doc: "Unicode normalisation before tokenizing."),
        .bool("lowercase", \.lowercase, doc: "Lowercase the text."),
        .string("pattern", \.tokenPattern, doc: "Token pattern; the default is scikit-learn's (?u)\\b\\w\\w+\\b (letters and digits of every script)."),
        .choice("cjk", \.cjk, doc: "Chinese/Japanese runs as character unigrams, bigrams, both, or none (whole runs)."),
        // none | english | a list: read by the spec, coded by `StopWords`.
        .custom("stop_words", \.stopWords, doc: "none, english (scikit-learn's list) or a list of words."),
        .intList("ngram_range", \.ngramBounds, range: 1...5, count: 2...2, doc: "Word n-grams [min, max].", check: { b in
            b.count == 2 && b[0] > b[1] ? [OptionProblem("min \(b[0]) is above max \(b[1])", hint: "write [min, max], e.g. [1, 2]")] : []
        }),
    ])

    /// `ngram_range` as spelled in YAML and JSON: `[min, max]`.
    var ngramBounds: [Int] {
        get { [ngramRange.lowerBound, ngramRange.upperBound] }
        set {
            precondition(newValue.count == 2 && newValue[0] <= newValue[1], "ngram_range \(newValue): the key table checks [min, max]")
            ngramRange = newValue[0]...newValue[1]
        }
    }
}
