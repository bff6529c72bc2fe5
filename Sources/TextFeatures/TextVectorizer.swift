import TensorCore

/// A fitted text extractor: documents → `TextBag`s (ids and weights), reproducing training
/// exactly from its `FittedText`. Immutable and `Sendable`: share one among threads freely.
///
/// ```swift
/// let (vectorizer, bags) = try TextVectorizer.fitTransform(trainDocuments, options: options, threads: 2)
/// try AtomicFile.write(vectorizer.fitted.jsonData(), to: stateURL)            // saved with the model
/// let again = try TextVectorizer(fitted: FittedText.decode(json: Data(contentsOf: stateURL)))
/// let testBags = again.transform(testDocuments, threads: 2)                   // same ids, same weights
/// ```
public struct TextVectorizer: Sendable {
    public let fitted: FittedText
    public let tokenizer: Tokenizer
    private let vocabulary: TermTable
    private let weighting: BagWeighting

    /// Ids run over 0..<featureCount (the EmbeddingBag's table size; the CSR matrix's columns).
    public var featureCount: Int { fitted.featureCount }

    /// A vectorizer for a saved state; throws when the state or its options are invalid.
    public init(fitted: FittedText) throws {
        try fitted.options.validate()
        try fitted.validate()
        var table = TermTable(capacity: fitted.terms.count)
        for term in fitted.terms { _ = table.insert(Array(term.utf8)) }
        guard table.count == fitted.terms.count else {
            throw TextFitError.inconsistentState("the vocabulary lists a term twice")
        }
        try self.init(checked: fitted, vocabulary: table)
    }

    /// A vectorizer for a state known to be consistent, with its vocabulary table (term id k
    /// inserted k-th).
    init(checked fitted: FittedText, vocabulary: TermTable) throws {
        self.fitted = fitted
        tokenizer = try Tokenizer(fitted.options.tokenizer)
        self.vocabulary = vocabulary
        var idf = fitted.idf
        if fitted.options.weighting == .tfidf, fitted.options.hashing != nil {
            idf = [Double](repeating: fitted.unseenIDF, count: fitted.featureCount)
            for (k, bucket) in fitted.buckets.enumerated() { idf[bucket] = fitted.idf[k] }
        }
        weighting = BagWeighting(options: fitted.options, idf: idf)
    }

    /// Fits on the training documents (see `fitTransform`).
    public static func fit(_ documents: [TextDocument], options: TextOptions, threads: Int = 1) throws -> TextVectorizer {
        try fitTransform(documents, options: options, threads: threads, transform: false).vectorizer
    }

    /// Fits the vocabulary (or hashing df) and idf on `documents` and returns their bags,
    /// tokenizing each document once. Items that fail (`max_tokens` with `reject`) get their
    /// error and are left out of the counts.
    public static func fitTransform(
        _ documents: [TextDocument], options: TextOptions, threads: Int = 1
    ) throws -> (vectorizer: TextVectorizer, bags: [Result<TextBag, ItemError>]) {
        try fitTransform(documents, options: options, threads: threads, transform: true)
    }

    private static func fitTransform(
        _ documents: [TextDocument], options: TextOptions, threads: Int, transform: Bool
    ) throws -> (vectorizer: TextVectorizer, bags: [Result<TextBag, ItemError>]) {
        try options.validate()
        let tokenizer = try Tokenizer(options.tokenizer)
        let ranges = chunkRanges(documents.count, parts: threads)
        let chunks = parallelMap(count: ranges.count, threads: threads) { c in
            CountedChunk(documents[ranges[c]], options: options, tokenizer: tokenizer)
        }
        let selection = try VocabularySelection(chunks: chunks, options: options)
        let vectorizer = try TextVectorizer(checked: selection.fitted, vocabulary: selection.vocabulary)
        guard transform else { return (vectorizer, []) }
        let weighting = vectorizer.weighting
        let perChunk = parallelMap(count: chunks.count, threads: threads) { c -> [Result<TextBag, ItemError>] in
            let chunk = chunks[c]
            var scratch = BagScratch()
            var bags: [Result<TextBag, ItemError>] = []
            bags.reserveCapacity(chunk.outcomes.count)
            chunk.ids.withUnsafeBufferPointer { ids in
                chunk.counts.withUnsafeBufferPointer { counts in
                    selection.finalIDs[c].withUnsafeBufferPointer { map in
                        for (d, outcome) in chunk.outcomes.enumerated() {
                            switch outcome {
                            case .failed(let error): bags.append(.failure(error))
                            case .counted(let status, let truncated):
                                let (start, end) = (chunk.offsets[d], chunk.offsets[d + 1])
                                bags.append(.success(weighting.bag(
                                    ids: UnsafeBufferPointer(rebasing: ids[start..<end]),
                                    counts: UnsafeBufferPointer(rebasing: counts[start..<end]), map: map.isEmpty ? nil : map,
                                    status: status, truncated: truncated, scratch: &scratch)))
                            }
                        }
                    }
                }
            }
            return bags
        }
        return (vectorizer, perChunk.count == 1 ? perChunk[0] : perChunk.flatMap { $0 })
    }

    /// The bag of one document, or its error.
    public func transform(_ document: TextDocument) -> Result<TextBag, ItemError> {
        var counter = DocumentCounter()
        var scratch = BagScratch()
        return transform(document, counter: &counter, scratch: &scratch)
    }

    /// The bags of `documents`, in order, computed on up to `threads` threads.
    public func transform(_ documents: [TextDocument], threads: Int = 1) -> [Result<TextBag, ItemError>] {
        let ranges = chunkRanges(documents.count, parts: threads == 1 ? 1 : threads * 8)
        let perChunk = parallelMap(count: ranges.count, threads: threads) { c in
            var counter = DocumentCounter()
            var scratch = BagScratch()
            return documents[ranges[c]].map { self.transform($0, counter: &counter, scratch: &scratch) }
        }
        return perChunk.count == 1 ? perChunk[0] : perChunk.flatMap { $0 }
    }

    private func transform(_ document: TextDocument, counter: inout DocumentCounter, scratch: inout BagScratch) -> Result<TextBag, ItemError> {
        do {
            let status: TextBag.Status, truncated: Bool
            let options = fitted.options
            if let h = options.hashing {
                var resolver = HashingResolver(mask: Int64(h.bucketCount - 1), alternateSign: h.alternateSign)
                (status, truncated) = try counter.count(document, options: options, tokenizer: tokenizer, resolver: &resolver)
            } else {
                var resolver = VocabularyResolver(table: vocabulary, unknownID: fitted.unknownID ?? -1)
                (status, truncated) = try counter.count(document, options: options, tokenizer: tokenizer, resolver: &resolver)
            }
            return .success(counter.ids.withUnsafeBufferPointer { ids in
                counter.counts.withUnsafeBufferPointer { counts in
                    weighting.bag(ids: ids, counts: counts, status: status, truncated: truncated, scratch: &scratch)
                }
            })
        } catch {
            return .failure(error)
        }
    }

    /// The bag of terms already analyzed elsewhere (as `Tokenizer.analyze` returns them), as if
    /// they were one field of weight 1: no tokenization and no `max_tokens`.
    public func transform(terms: [String]) -> TextBag {
        var ids: [Int32] = [], counts: [Float] = []
        let vocabularyResolver = VocabularyResolver(table: vocabulary, unknownID: fitted.unknownID ?? -1)
        let hashingResolver = fitted.options.hashing.map { HashingResolver(mask: Int64($0.bucketCount - 1), alternateSign: $0.alternateSign) }
        for term in terms {
            var term = term
            let (id, sign) = term.withUTF8 { bytes in
                hashingResolver?.resolve(bytes) ?? vocabularyResolver.resolve(bytes)
            }
            if id >= 0 { ids.append(id); counts.append(Float(sign)) }
        }
        var scratch = BagScratch()
        return ids.withUnsafeBufferPointer { ids in
            counts.withUnsafeBufferPointer { weighting.bag(ids: ids, counts: $0, status: .empty, truncated: false, scratch: &scratch) }
        }
    }

    /// The vocabulary term of `id`, "<unknown>" for the unknown id; nil with hashing or out of range.
    public func term(_ id: Int32) -> String? {
        if let u = fitted.unknownID, id == u { return "<unknown>" }
        return fitted.terms.indices.contains(Int(id)) ? fitted.terms[Int(id)] : nil
    }
}
