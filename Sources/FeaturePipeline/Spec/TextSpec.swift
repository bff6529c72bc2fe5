import TextFeatures
import Yams

/// `features.text`: which columns make an item's text and how it becomes a weighted bag of ids.
public struct TextSpec: Sendable, Equatable {
    public var options: TextOptions
    /// Width of the embedding bag over the ids.
    public var dim: Int
    public var onError: OnError
}

extension TextSpec {
    static func read(_ r: MappingReader) -> TextSpec {
        var o = TextOptions()
        if let entries = r.entries("fields") {
            var fields: [TextOptions.Field] = []
            for (i, node) in entries {
                if let name = node.string {
                    fields.append(.init(name: name))
                } else {
                    let f = MappingReader(node: node, path: r.join("fields[\(i)]"), diag: r.diag)
                    let name = f.requiredString("name", doc: "Column name.", hint: "write {name: title, weight: 2}")
                    let weight = f.double("weight", default: 1, range: 0.000001...1e6, doc: "Multiplies the counts of this column's terms.")
                    f.finish()
                    fields.append(.init(name: name, weight: weight))
                }
            }
            if !fields.isEmpty { o.fields = fields }
        }
        r.record("fields", .list(o.fields.map { f in
                     f.weight == 1 ? .string(f.name)
                         : .node(Node([(Node("name"), Node(f.name)), (Node("weight"), Node(format(f.weight)))], .implicit, .flow))
                 }),
                 type: "list of columns", doc: "Columns joined into the item's text; each a name or {name, weight}.",
                 defaultText: "`[description]`")
        let t = r.section("tokenizer", doc: "How text becomes terms.")
        o.tokenizer.normalize = t.choice("normalize", default: o.tokenizer.normalize, doc: "Unicode normalisation before tokenizing.")
        o.tokenizer.lowercase = t.bool("lowercase", default: o.tokenizer.lowercase, doc: "Lowercase the text.")
        o.tokenizer.tokenPattern = t.string("pattern", default: o.tokenizer.tokenPattern, doc: "Token pattern; the default is scikit-learn's (?u)\\b\\w\\w+\\b (letters and digits of every script).") ?? o.tokenizer.tokenPattern
        o.tokenizer.cjk = t.choice("cjk", default: o.tokenizer.cjk, doc: "Chinese/Japanese runs as character unigrams, bigrams, both, or none (whole runs).")
        o.tokenizer.stopWords = readStopWords(t)
        let ngrams = t.intList("ngram_range", default: [1, 1], range: 1...5, count: 2...2, doc: "Word n-grams [min, max].")
        if ngrams[0] <= ngrams[1] { o.tokenizer.ngramRange = ngrams[0]...ngrams[1] } else {
            t.report("ngram_range", t.node("ngram_range"), "min \(ngrams[0]) is above max \(ngrams[1])", hint: "write [min, max], e.g. [1, 2]")
        }
        t.finish()
        let v = r.section("vocabulary", doc: "Vocabulary fitted on the train items (ignored with hashing).")
        o.vocabulary.minDF = v.int("min_df", default: o.vocabulary.minDF, range: 1...1_000_000, doc: "Terms in fewer train documents are dropped.")
        o.vocabulary.maxDF = v.double("max_df", default: o.vocabulary.maxDF, range: 0.000001...1, doc: "Terms in a larger share of train documents are dropped.")
        o.vocabulary.maxSize = v.optionalInt("max_size", range: 1...100_000_000, doc: "Keep the most frequent terms only (count, then term).")
        o.vocabulary.unknown = v.bool("unknown", default: o.vocabulary.unknown, doc: "Map out-of-vocabulary terms to one extra id instead of dropping them.")
        v.finish()
        if let h = r.optionalSection("hashing", doc: "Hashing trick instead of a vocabulary: signed 32-bit MurmurHash3 into 2^bits buckets (scikit-learn's HashingVectorizer).") {
            var hashing = TextOptions.HashingOptions()
            hashing.bits = h.int("bits", default: hashing.bits, range: 1...30, doc: "log2 of the bucket count.")
            hashing.alternateSign = h.bool("alternate_sign", default: hashing.alternateSign, doc: "Sign from the hash, as scikit-learn.")
            h.finish()
            if r.has("hashing") { o.hashing = hashing }
        }
        o.weighting = r.choice("weighting", default: o.weighting, doc: "count, binary, or tfidf (scikit-learn's TfidfVectorizer definitions).")
        o.smoothIDF = r.bool("smooth_idf", default: o.smoothIDF, doc: "idf = ln((1 + n) / (1 + df)) + 1 (false: ln(n / df) + 1).")
        o.sublinearTF = r.bool("sublinear_tf", default: o.sublinearTF, doc: "Use 1 + ln(tf) instead of tf.")
        o.norm = r.choice("norm", default: o.norm, doc: "l2-normalise each item's weights.")
        o.maxTokens = r.int("max_tokens", default: o.maxTokens, range: 1...100_000_000, doc: "Tokens per field beyond which on_too_many_tokens applies.")
        o.onTooManyTokens = r.choice("on_too_many_tokens", default: o.onTooManyTokens, doc: "truncate the text, or reject the item as too_large.")
        o.invalidUTF8 = r.choice("invalid_utf8", default: o.invalidUTF8, doc: "Text with invalid UTF-8 bytes: reject the item's text (corrupt) or replace the bytes with U+FFFD.")
        let common = ModalityCommon.read(r, modality: "text", dim: 32)
        for problem in o.problems() { r.report("", nil, problem, hint: "see docs/text.md") }
        r.finish()
        return TextSpec(options: o, dim: common.dim, onError: common.onError)
    }

    private static func readStopWords(_ t: MappingReader) -> TokenizerOptions.StopWords {
        let doc = "none, english (scikit-learn's list) or a list of words."
        guard let node = t.node("stop_words") else {
            t.record("stop_words", .scalar("none"), type: "none \\| english \\| list", doc: doc, defaultText: "`none`")
            return .none
        }
        if let name = node.string {
            switch name {
            case "none": t.record("stop_words", .scalar("none"), type: "none \\| english \\| list", doc: doc, defaultText: "`none`"); return .none
            case "english": t.record("stop_words", .scalar("english"), type: "none \\| english \\| list", doc: doc, defaultText: "`none`"); return .english
            default:
                t.report("stop_words", node, "'\(name)' is not none or english", hint: "write a list of words for your own stop words")
                return .none
            }
        }
        let words = t.stringList("stop_words", default: [], doc: doc)
        return .list(words)
    }
}
