import TensorCore

/// Fits a `TextVectorizer` on documents that arrive in batches (a catalog read as a stream),
/// holding only the counts merged so far, never the documents or their bags.
///
/// Gives the same vocabulary, ids and idf as `TextVectorizer.fit` on all the documents at once.
/// With `vocabulary.unknown`, the unknown id's document frequency needs the chosen vocabulary, so
/// the documents are given a second time to `countUnknown` after `chooseVocabulary`.
///
/// ```swift
/// var fit = try TextFitAccumulator(options: options, threads: 2)
/// for batch in batches { fit.add(batch) }
/// try fit.chooseVocabulary()
/// if fit.needsSecondPass { for batch in batches { fit.countUnknown(batch) } }
/// let vectorizer = try fit.vectorizer()
/// ```
public struct TextFitAccumulator {
    let tokenizer: Tokenizer
    let threads: Int
    var merged: MergedCounts
    var choice: MergedCounts.Choice?
    var unknownDF = 0

    public init(options: TextOptions, threads: Int = 1) throws {
        try options.validate()
        tokenizer = try Tokenizer(options.tokenizer)
        self.threads = threads
        merged = MergedCounts(options: options)
    }

    /// Counts a batch (split over `threads`) and merges its counts in document order.
    public mutating func add(_ documents: [TextDocument]) {
        let (options, tokenizer) = (merged.options, self.tokenizer)
        let ranges = chunkRanges(documents.count, parts: threads)
        let chunks = parallelMap(count: ranges.count, threads: threads) { c in
            CountedChunk(documents[ranges[c]], options: options, tokenizer: tokenizer)
        }
        for chunk in chunks { _ = merged.merge(chunk) }
    }

    /// Chooses the vocabulary from everything added; throws what `TextVectorizer.fit` throws.
    public mutating func chooseVocabulary() throws { choice = try merged.choose() }

    /// Whether the documents must be given again to `countUnknown` (vocabulary with an unknown id).
    public var needsSecondPass: Bool { merged.options.hashing == nil && merged.options.vocabulary.unknown }

    /// Second pass: counts the documents holding a term that is neither kept nor too common.
    public mutating func countUnknown(_ documents: [TextDocument]) {
        guard let choice else { preconditionFailure("countUnknown before chooseVocabulary") }
        var counter = DocumentCounter()
        var resolver = VocabularyResolver(table: merged.table, unknownID: -1)
        for document in documents {
            // A failed document was not counted in the first pass either.
            guard (try? counter.count(document, options: merged.options, tokenizer: tokenizer, resolver: &resolver)) != nil else { continue }
            if counter.ids.contains(where: { choice.global[Int($0)] == choice.unknown }) { unknownDF += 1 }
        }
    }

    /// The fitted vectorizer.
    public func vectorizer() throws -> TextVectorizer {
        guard let choice else { preconditionFailure("vectorizer before chooseVocabulary") }
        return try TextVectorizer(checked: fitted(), vocabulary: choice.vocabulary)
    }

    /// The fitted state alone, for a caller that builds its vectorizer later (`TextVectorizer(fitted:)`).
    public func fitted() -> FittedText {
        guard let choice else { preconditionFailure("fitted before chooseVocabulary") }
        return choice.state(unknownDF: unknownDF)
    }
}
