import TensorCore

/// The counting pass of fitting, split into contiguous chunks of documents that run in parallel,
/// then merged in chunk order: the result does not depend on the number of threads.
struct CountedChunk: Sendable {
    enum Outcome: Sendable {
        case counted(TextBag.Status, truncated: Bool)
        case failed(ItemError)
    }
    /// Terms in first-seen order (vocabulary mode; empty with hashing, where ids are buckets).
    var table = TermTable(capacity: 1 << 14)
    var documentFrequency: [Int32] = []
    var totalCount: [Double] = []
    /// Document d's (id, count) pairs are `ids/counts[offsets[d]..<offsets[d + 1]]`.
    var offsets: [Int] = [0]
    var ids: [Int32] = []
    var counts: [Float] = []
    var outcomes: [Outcome] = []

    /// Counts `documents` with the tokenizer; vocabulary mode unless `hashing` is set.
    init(_ documents: ArraySlice<TextDocument>, options: TextOptions, tokenizer: Tokenizer) {
        var counter = DocumentCounter()
        // Room for the (id, count) pairs up front (about one term per 7 bytes of text), so the
        // arrays do not grow by copying.
        let bytes = documents.reduce(0) { $0 + $1.fields.reduce(0) { $0 + ($1?.utf8.count ?? 0) } }
        ids.reserveCapacity(bytes / 7 + 16)
        counts.reserveCapacity(bytes / 7 + 16)
        offsets.reserveCapacity(documents.count + 1)
        outcomes.reserveCapacity(documents.count)
        if let h = options.hashing {
            var resolver = HashingResolver(mask: Int64(h.bucketCount - 1), alternateSign: h.alternateSign)
            documentFrequency = [Int32](repeating: 0, count: h.bucketCount)
            for d in documents { add(d, &counter, options, tokenizer, &resolver) }
        } else {
            var resolver = InsertingResolver()
            for d in documents { add(d, &counter, options, tokenizer, &resolver) }
            table = resolver.table
        }
    }

    private mutating func add<R: TermResolver>(
        _ document: TextDocument, _ counter: inout DocumentCounter, _ options: TextOptions, _ tokenizer: Tokenizer, _ resolver: inout R
    ) {
        do {
            let (status, truncated) = try counter.count(document, options: options, tokenizer: tokenizer, resolver: &resolver)
            outcomes.append(.counted(status, truncated: truncated))
        } catch {
            outcomes.append(.failed(error))
            offsets.append(ids.count)
            return
        }
        let (termIDs, termCounts) = (counter.ids, counter.counts)
        if let top = termIDs.max(), Int(top) >= documentFrequency.count {
            let grow = max(Int(top) + 1, 2 * documentFrequency.count) - documentFrequency.count
            documentFrequency += [Int32](repeating: 0, count: grow)
            totalCount += [Double](repeating: 0, count: grow)
        }
        // Per term of every document: through pointers, without bounds or uniqueness checks.
        let summing = options.hashing == nil
        termIDs.withUnsafeBufferPointer { termIDs in
            termCounts.withUnsafeBufferPointer { termCounts in
                documentFrequency.withUnsafeMutableBufferPointer { df in
                    totalCount.withUnsafeMutableBufferPointer { total in
                        for k in 0..<termIDs.count where termCounts[k] != 0 {
                            let i = Int(termIDs[k])
                            df[i] += 1
                            if summing { total[i] += Double(termCounts[k]) }
                        }
                    }
                }
            }
        }
        ids += termIDs
        counts += termCounts
        offsets.append(ids.count)
    }
}
