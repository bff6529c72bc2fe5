import TensorCore

/// Merges the counted chunks and chooses the vocabulary, as scikit-learn's `CountVectorizer`
/// `_limit_features` does: keep terms with min_df ≤ df ≤ max_df · n, then (with max_size) the
/// most frequent by total count. Ids are assigned by total count descending, then by the term's
/// bytes ascending (code point order), so equal data gives equal ids.
struct VocabularySelection {
    let fitted: FittedText
    /// Per chunk: chunk-local id → final id (-1 = dropped); empty with hashing (ids are buckets).
    let finalIDs: [[Int32]]
    /// The chosen terms, id k inserted k-th (empty with hashing).
    let vocabulary: TermTable

    init(chunks: [CountedChunk], options: TextOptions) throws {
        var merged = MergedCounts(options: options)
        let remaps = chunks.map { merged.merge($0) }
        let choice = try merged.choose()
        guard options.hashing == nil else {
            (fitted, vocabulary) = (choice.state(unknownDF: 0), TermTable())
            finalIDs = chunks.map { _ in [] }
            return
        }
        let maps = remaps.map { $0.map { choice.global[Int($0)] } }
        var unknownDF = 0
        if options.vocabulary.unknown {
            for (c, chunk) in chunks.enumerated() {
                for d in chunk.outcomes.indices where chunk.offsets[d] < chunk.offsets[d + 1] {
                    if chunk.ids[chunk.offsets[d]..<chunk.offsets[d + 1]].contains(where: { maps[c][Int($0)] == choice.unknown }) {
                        unknownDF += 1
                    }
                }
            }
        }
        fitted = choice.state(unknownDF: unknownDF)
        finalIDs = maps
        vocabulary = choice.vocabulary
    }
}

/// Document frequencies and total counts of every term met so far, merged chunk after chunk in
/// order: terms keep the id of their first appearance, so merging the same chunks one at a time
/// or all at once gives the same table.
struct MergedCounts {
    let options: TextOptions
    var table = TermTable()
    var df: [Int] = []
    var total: [Double] = []
    /// Documents counted (failed ones excluded).
    var documents = 0
    /// Documents met, failed ones included, and the first failure (for the every-document error).
    var documentsMet = 0
    var firstFailure: ItemError?

    init(options: TextOptions) {
        self.options = options
        if let h = options.hashing { df = [Int](repeating: 0, count: h.bucketCount) }
    }

    /// Adds a chunk's counts; returns its chunk-local id → merged id (empty with hashing).
    mutating func merge(_ chunk: CountedChunk) -> [Int32] {
        for outcome in chunk.outcomes {
            switch outcome {
            case .counted: documents += 1
            case .failed(let e): firstFailure = firstFailure ?? e
            }
        }
        documentsMet += chunk.outcomes.count
        if options.hashing != nil {
            for (b, c) in chunk.documentFrequency.enumerated() { df[b] += Int(c) }
            return []
        }
        let remap: [Int32]
        if table.count == 0 {
            table = chunk.table
            remap = Array(0..<Int32(chunk.table.count))
        } else {
            remap = (0..<chunk.table.count).map { table.insert(Array(chunk.table.key($0))) }
        }
        df += [Int](repeating: 0, count: table.count - df.count)
        total += [Double](repeating: 0, count: table.count - total.count)
        // Terms met only in a failed document were never counted (df 0).
        for local in 0..<min(chunk.table.count, chunk.documentFrequency.count) {
            let g = Int(remap[local])
            df[g] += Int(chunk.documentFrequency[local])
            total[g] += chunk.totalCount[local]
        }
        return remap
    }

    /// The chosen vocabulary and every merged term's final id (`global`).
    struct Choice {
        let options: TextOptions
        let documents: Int
        /// Merged id → final id: rank for kept terms, `unknown` for rare ones, -1 for too common.
        let global: [Int32]
        let unknown: Int32
        let terms: [String]
        let keptDF: [Int]
        let buckets: [Int]
        let dropped: Int
        let vocabulary: TermTable

        /// The fitted state, given how many documents hold an unknown term.
        func state(unknownDF: Int) -> FittedText {
            let df = keptDF + (options.hashing == nil && options.vocabulary.unknown ? [unknownDF] : [])
            let smooth = options.smoothIDF
            let idf = options.weighting == .tfidf ? df.map { FittedText.idf(documentFrequency: $0, documentCount: documents, smooth: smooth) } : []
            return FittedText(
                options: options, documentCount: documents, terms: terms, documentFrequencies: df, buckets: buckets, idf: idf,
                unseenIDF: FittedText.idf(documentFrequency: 0, documentCount: documents, smooth: smooth), droppedAsTooCommon: dropped)
        }
    }

    func choose() throws -> Choice {
        let n = documents
        if options.hashing != nil {
            let buckets = df.indices.filter { df[$0] > 0 }
            return Choice(options: options, documents: n, global: [], unknown: -1, terms: [], keptDF: buckets.map { df[$0] },
                          buckets: buckets, dropped: 0, vocabulary: TermTable())
        }
        // Every document rejected (max_tokens with reject, invalid UTF-8): say so, rather than
        // blame min_df and max_df for a vocabulary that had nothing to start from. (Hashing needs
        // no fit: its run goes on and reports the failed modality.)
        if n == 0, let firstFailure { throw TextFitError.everyDocumentFailed(documents: documentsMet, first: firstFailure) }
        let v = options.vocabulary
        let maxCount = v.maxDF * Double(n)
        guard maxCount >= Double(v.minDF) else {
            throw TextFitError.incompatibleLimits("max_df \(v.maxDF) of \(n) documents is fewer than min_df \(v.minDF)")
        }
        guard table.count > 0 else {
            throw TextFitError.emptyVocabulary(documents: n, detail: "no document has a token (only stop words, punctuation or missing text?)")
        }
        var kept = (0..<table.count).filter { df[$0] >= v.minDF && Double(df[$0]) <= maxCount }
        let dropped = (0..<table.count).filter { Double(df[$0]) > maxCount }.count
        guard !kept.isEmpty else {
            throw TextFitError.emptyVocabulary(documents: n, detail: "all \(table.count) terms were pruned by min_df \(v.minDF) / max_df \(v.maxDF)")
        }
        kept.sort { a, b in total[a] != total[b] ? total[a] > total[b] : table.keyPrecedes(a, b) }
        if let m = v.maxSize, kept.count > m { kept.removeLast(kept.count - m) }

        // Merged id → final id: kept terms in rank order; rare ones → unknown; too common → dropped.
        let unknown: Int32 = v.unknown ? Int32(kept.count) : -1
        var global = (0..<table.count).map { Double(df[$0]) > maxCount ? Int32(-1) : unknown }
        for (rank, g) in kept.enumerated() { global[g] = Int32(rank) }
        var chosen = TermTable(capacity: kept.count)
        table.arena.withUnsafeBufferPointer { arena in
            for g in kept {
                let key = UnsafeBufferPointer(rebasing: arena[Int(table.offsets[g])..<Int(table.offsets[g + 1])])
                _ = chosen.insert(key, hash: table.hashes[g])
            }
        }
        return Choice(options: options, documents: n, global: global, unknown: unknown,
                      terms: kept.map { String(decoding: table.key($0), as: UTF8.self) }, keptDF: kept.map { df[$0] },
                      buckets: [], dropped: dropped, vocabulary: chosen)
    }
}
