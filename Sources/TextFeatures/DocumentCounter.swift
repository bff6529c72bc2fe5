import TensorCore

/// Maps a term's bytes to a feature id and a sign, or drops it (id < 0).
protocol TermResolver {
    mutating func resolve(_ term: UnsafeBufferPointer<UInt8>) -> (id: Int32, sign: Double)
}

/// Fitting: every term gets a provisional id in a task-local table.
struct InsertingResolver: TermResolver {
    var table = TermTable(capacity: 1 << 14)
    @inline(__always) mutating func resolve(_ term: UnsafeBufferPointer<UInt8>) -> (id: Int32, sign: Double) {
        (table.insert(term, hash: termHash(term)), 1)
    }
}

/// Transforming with a vocabulary: the term's id, else the unknown id or nothing.
struct VocabularyResolver: TermResolver {
    let table: TermTable
    let unknownID: Int32
    @inline(__always) func resolve(_ term: UnsafeBufferPointer<UInt8>) -> (id: Int32, sign: Double) {
        let id = table.find(term, hash: termHash(term))
        return (id >= 0 ? id : unknownID, 1)
    }
}

/// The hashing trick (scikit-learn `HashingVectorizer`): h = signed MurmurHash3 of the UTF-8
/// bytes with seed 0, bucket |h| mod 2^bits (|−2^31| = 2^31), sign of h when alternating.
struct HashingResolver: TermResolver {
    let mask: Int64
    let alternateSign: Bool
    @inline(__always) func resolve(_ term: UnsafeBufferPointer<UInt8>) -> (id: Int32, sign: Double) {
        let h = murmurHash3(term)
        let bucket = Int32(truncatingIfNeeded: Int64(h).magnitude & UInt64(mask))
        return (bucket, alternateSign && h < 0 ? -1 : 1)
    }
}

/// Counts the terms of one document at a time with reusable buffers (one per task).
///
/// A term occurring in field f adds `fields[f].weight · sign` to its id's count; ids in first
/// occurrence order, counts that cancel to 0 kept (callers drop them).
struct DocumentCounter {
    /// The counts of the current document and the tables that find an id's place in them.
    struct Tally {
        /// A 128-slot open-addressing table (index in `ids` + 1, 0 = empty) for short documents.
        var small = [Int32](repeating: 0, count: 128)
        /// Position of an id in `ids` while a long document is being counted, else -1.
        var position: [Int32] = []
        var ids: [Int32] = []
        /// Field-weighted counts, in `Float` (exact for integer counts below 2^24).
        var counts: [Float] = []
    }

    /// Documents with fewer distinct ids than this use `small` instead of `position`.
    static let linearLimit = 48
    private var scan = ScanBuffers()
    private var tally = Tally()
    var ids: [Int32] { tally.ids }
    var counts: [Float] { tally.counts }

    /// Counts `document`; returns whether some field was truncated, or the item's error.
    mutating func count<R: TermResolver>(
        _ document: TextDocument, options: TextOptions, tokenizer: Tokenizer, resolver: inout R
    ) throws(ItemError) -> (status: TextBag.Status, truncated: Bool) {
        // Two disjoint inout buffers, so the loop pays no exclusivity checks.
        try Self.count(document, options, tokenizer, &resolver, &scan, &tally)
    }

    private static func count<R: TermResolver>(
        _ document: TextDocument, _ options: TextOptions, _ tokenizer: Tokenizer, _ resolver: inout R,
        _ scan: inout ScanBuffers, _ tally: inout Tally
    ) throws(ItemError) -> (status: TextBag.Status, truncated: Bool) {
        if tally.ids.count >= linearLimit { for id in tally.ids { tally.position[Int(id)] = -1 } }
        tally.small.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        tally.ids.removeAll(keepingCapacity: true)
        tally.counts.removeAll(keepingCapacity: true)
        var anyField = false
        var truncated = false
        for (f, field) in options.fields.enumerated() {
            guard f < document.fields.count, let text = document.fields[f] else { continue }
            anyField = true
            if !tokenizer.scan(text, limit: options.maxTokens, into: &scan) {
                if options.onTooManyTokens == .reject {
                    throw ItemError(
                        .tooLarge, source: document.source(field: field.name),
                        detail: "more than \(options.maxTokens) tokens (\(text.utf8.count) bytes)",
                        hint: "raise features.text.max_tokens, or set on_too_many_tokens: truncate")
                }
                truncated = true
            }
            let weight = field.weight
            tokenizer.forEachTerm(in: &scan) { term in
                let (id, sign) = resolver.resolve(term)
                guard id >= 0 else { return }
                add(id, Float(weight * sign), to: &tally)
            }
        }
        if !anyField { return (.missing, false) }
        return (tally.counts.contains { $0 != 0 } ? .present : .empty, truncated)
    }

    /// Adds `delta` to `id`'s count. A short document's ids are found in a small cache-resident
    /// hash table of its own; past `linearLimit` ids the id-indexed position table takes over.
    @inline(__always) private static func add(_ id: Int32, _ delta: Float, to tally: inout Tally) {
        if tally.ids.count < linearLimit {
            let count = tally.ids.count
            let found = tally.ids.withUnsafeBufferPointer { ids in
                tally.small.withUnsafeMutableBufferPointer { slots -> Int in
                    var h = Int((UInt32(bitPattern: id) &* 0x9E37_79B1) >> 25)
                    while true {
                        let e = Int(slots[h])
                        if e == 0 { slots[h] = Int32(count + 1); return -1 }
                        if ids[e - 1] == id { return e - 1 }
                        h = (h + 1) & 127
                    }
                }
            }
            if found >= 0 { tally.counts[found] += delta } else { tally.ids.append(id); tally.counts.append(delta) }
            if tally.ids.count == linearLimit {
                let needed = Int(tally.ids.max()!) + 1
                if needed > tally.position.count {
                    tally.position += [Int32](repeating: -1, count: max(needed - tally.position.count, tally.position.count))
                }
                for (j, known) in tally.ids.enumerated() { tally.position[Int(known)] = Int32(j) }
            }
            return
        }
        let i = Int(id)
        if i >= tally.position.count {
            tally.position += [Int32](repeating: -1, count: max(i + 1 - tally.position.count, tally.position.count))
        }
        let p = tally.position[i]
        if p >= 0 {
            tally.counts[Int(p)] += delta
        } else {
            tally.position[i] = Int32(tally.ids.count)
            tally.ids.append(id)
            tally.counts.append(delta)
        }
    }
}
