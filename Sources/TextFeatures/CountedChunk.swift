/// The counting pass of fitting, split into contiguous chunks of documents that run in parallel,
/// then merged in chunk order: the result does not depend on the number of threads.
struct CountedChunk: Sendable {
    enum Outcome: Sendable {
        case counted(TextBag.Status, truncated: Bool)
        case failed(TextItemError)
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
        for (id, c) in zip(counter.ids, counter.counts) where c != 0 {
            let i = Int(id)
            if i >= documentFrequency.count {
                let grow = max(i + 1, 2 * documentFrequency.count) - documentFrequency.count
                documentFrequency += [Int32](repeating: 0, count: grow)
                totalCount += [Double](repeating: 0, count: grow)
            }
            documentFrequency[i] += 1
            if options.hashing == nil { totalCount[i] += Double(c) }
        }
        ids += counter.ids
        counts += counter.counts
        offsets.append(ids.count)
    }
}
