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
        var n = 0
        for chunk in chunks {
            for case .counted in chunk.outcomes { n += 1 }
        }
        if let h = options.hashing {
            var df = [Int](repeating: 0, count: h.bucketCount)
            for chunk in chunks { for (b, c) in chunk.documentFrequency.enumerated() { df[b] += Int(c) } }
            let buckets = df.indices.filter { df[$0] > 0 }
            let bucketDF = buckets.map { df[$0] }
            fitted = Self.state(options, n: n, terms: [], df: bucketDF, buckets: buckets, dropped: 0)
            finalIDs = chunks.map { _ in [] }
            vocabulary = TermTable()
            return
        }

        // Merge: chunk 0's table grows with the other chunks' terms, in chunk order.
        var table = chunks.first?.table ?? TermTable()
        var remaps: [[Int32]] = []
        for (c, chunk) in chunks.enumerated() {
            if c == 0 { remaps.append(Array(0..<Int32(chunk.table.count))); continue }
            remaps.append((0..<chunk.table.count).map { table.insert(Array(chunk.table.key($0))) })
        }
        var df = [Int](repeating: 0, count: table.count)
        var total = [Double](repeating: 0, count: table.count)
        for (c, chunk) in chunks.enumerated() {
            // Terms met only in a failed document were never counted (df 0).
            for local in 0..<min(chunk.table.count, chunk.documentFrequency.count) {
                let g = Int(remaps[c][local])
                df[g] += Int(chunk.documentFrequency[local])
                total[g] += chunk.totalCount[local]
            }
        }

        // Every document rejected (max_tokens with reject, invalid UTF-8): say so, rather than
        // blame min_df and max_df for a vocabulary that had nothing to start from.
        if n == 0, let first = chunks.lazy.flatMap(\.outcomes).compactMap({ if case .failed(let e) = $0 { e } else { nil } }).first {
            throw TextFitError.everyDocumentFailed(documents: chunks.reduce(0) { $0 + $1.outcomes.count }, first: first)
        }
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

        // Global id → final id: kept terms in rank order; rare ones → unknown; too common → dropped.
        let unknown: Int32 = v.unknown ? Int32(kept.count) : -1
        var global = (0..<table.count).map { Double(df[$0]) > maxCount ? Int32(-1) : unknown }
        for (rank, g) in kept.enumerated() { global[g] = Int32(rank) }
        let maps = remaps.map { $0.map { global[Int($0)] } }

        var finalDF = kept.map { df[$0] }
        if v.unknown {
            var unknownDF = 0
            for (c, chunk) in chunks.enumerated() {
                for d in chunk.outcomes.indices where chunk.offsets[d] < chunk.offsets[d + 1] {
                    if chunk.ids[chunk.offsets[d]..<chunk.offsets[d + 1]].contains(where: { maps[c][Int($0)] == unknown }) {
                        unknownDF += 1
                    }
                }
            }
            finalDF.append(unknownDF)
        }
        let terms = kept.map { String(decoding: table.key($0), as: UTF8.self) }
        fitted = Self.state(options, n: n, terms: terms, df: finalDF, buckets: [], dropped: dropped)
        finalIDs = maps
        var chosen = TermTable(capacity: kept.count)
        table.arena.withUnsafeBufferPointer { arena in
            for g in kept {
                let key = UnsafeBufferPointer(rebasing: arena[Int(table.offsets[g])..<Int(table.offsets[g + 1])])
                _ = chosen.insert(key, hash: table.hashes[g])
            }
        }
        vocabulary = chosen
    }

    private static func state(_ options: TextOptions, n: Int, terms: [String], df: [Int], buckets: [Int], dropped: Int) -> FittedText {
        let smooth = options.smoothIDF
        let idf = options.weighting == .tfidf ? df.map { FittedText.idf(documentFrequency: $0, documentCount: n, smooth: smooth) } : []
        return FittedText(
            options: options, documentCount: n, terms: terms, documentFrequencies: df, buckets: buckets, idf: idf,
            unseenIDF: FittedText.idf(documentFrequency: 0, documentCount: n, smooth: smooth), droppedAsTooCommon: dropped)
    }
}
