import Foundation
import TensorCore


/// Everything the text extractor learned from the training split; saved with the model so that
/// `predict` and `extract` reproduce training exactly. Round-trips through JSON unchanged
/// (`JSONEncoder` writes each `Double` in its shortest exact form).
///
/// Vocabulary mode: `terms[id]` for id 0..<terms.count, ordered by total count in the training
/// documents (descending), then by the term's code points; `documentFrequencies` and `idf` are
/// indexed by feature id and include the unknown id last when `vocabulary.unknown` is set.
/// Hashing mode: `terms` is empty and `buckets` lists the buckets seen in training (ascending),
/// with their document frequencies and idf values in the same positions; every other bucket has
/// `unseenIDF`.
public struct FittedText: Sendable, Codable, Equatable {
    public var options: TextOptions
    /// Training documents counted (all that did not fail, including missing and empty ones).
    public var documentCount: Int
    public var terms: [String]
    public var documentFrequencies: [Int]
    public var buckets: [Int]
    /// idf per feature (or per entry of `buckets`); empty unless `weighting` is `tfidf`.
    public var idf: [Double]
    /// idf of a feature no training document had (df taken as 0 with smooth idf, as 1 without).
    public var unseenIDF: Double
    /// Terms dropped because more than max_df of the documents held them (scikit-learn's `stop_words_`).
    public var droppedAsTooCommon: Int

    enum CodingKeys: String, CodingKey {
        case options, documentCount = "document_count", terms, documentFrequencies = "document_frequencies"
        case buckets, idf, unseenIDF = "unseen_idf", droppedAsTooCommon = "dropped_as_too_common"
    }

    /// Ids (columns) this state defines: the vocabulary, plus one for unknown; or 2^bits buckets.
    public var featureCount: Int {
        if let h = options.hashing { return h.bucketCount }
        return terms.count + (options.vocabulary.unknown ? 1 : 0)
    }

    /// The unknown token's id, when configured.
    public var unknownID: Int32? {
        options.hashing == nil && options.vocabulary.unknown ? Int32(terms.count) : nil
    }

    /// idf(t) = ln((1 + n) / (1 + df)) + 1 with smoothing, ln(n / df) + 1 without (scikit-learn
    /// `TfidfTransformer`); an unseen feature without smoothing takes df = 1 instead of dividing by 0.
    static func idf(documentFrequency df: Int, documentCount n: Int, smooth: Bool) -> Double {
        smooth ? log(Double(n + 1) / Double(df + 1)) + 1 : log(Double(n) / Double(max(df, 1))) + 1
    }

    /// Checks the internal consistency of a decoded state; throws naming what is wrong.
    func validate() throws(TextFitError) {
        func fail(_ why: String) -> TextFitError { .inconsistentState(why) }
        if let h = options.hashing {
            guard terms.isEmpty, buckets.count == documentFrequencies.count else { throw fail("hashing state needs no terms and one df per bucket") }
            guard zip(buckets, buckets.dropFirst()).allSatisfy({ $0 < $1 }), buckets.allSatisfy({ (0..<h.bucketCount).contains($0) })
            else { throw fail("buckets must be ascending and < 2^\(h.bits)") }
        } else {
            // (Repeated terms are found by their bytes when the table is built: `Set<String>` would
            // also merge canonically equivalent spellings, which are distinct terms.)
            guard documentFrequencies.count == featureCount else { throw fail("\(documentFrequencies.count) document frequencies for \(featureCount) features") }
        }
        if options.weighting == .tfidf && idf.count != documentFrequencies.count {
            throw fail("\(idf.count) idf values for \(documentFrequencies.count) features")
        }
    }

    /// The state as pretty, key-sorted JSON (stable bytes for the same state).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    public static func decode(json: Data) throws -> FittedText {
        try JSONDecoder().decode(FittedText.self, from: json)
    }
}

/// Why fitting failed, or why a saved state cannot be used.
public enum TextFitError: Error, Equatable, CustomStringConvertible {
    /// No term survived tokenization and pruning.
    case emptyVocabulary(documents: Int, detail: String)
    /// min_df and max_df leave no possible term.
    case incompatibleLimits(String)
    /// Every document was rejected, so there was nothing to count; `first` is the first rejection.
    case everyDocumentFailed(documents: Int, first: ItemError)
    /// A saved state contradicts itself.
    case inconsistentState(String)

    public var description: String {
        switch self {
        case .emptyVocabulary(let n, let detail):
            return "text vocabulary is empty after fitting on \(n) documents: \(detail) "
                + "(hint: check that the text fields are filled, lower vocabulary.min_df, raise max_df, or drop stop words)"
        case .incompatibleLimits(let why):
            return "text vocabulary limits are incompatible: \(why) (hint: lower vocabulary.min_df or raise max_df)"
        case .everyDocumentFailed(let n, let first):
            return "no text to fit the vocabulary on: all \(n) documents were rejected, the first as \(first)"
        case .inconsistentState(let why):
            return "saved text state is inconsistent: \(why) (hint: re-run training to rebuild it)"
        }
    }
}
