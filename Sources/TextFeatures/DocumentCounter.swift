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
    private var scan = ScanBuffers()
    /// Documents with fewer distinct ids than this use `small` instead of `position`.
    static let linearLimit = 48
    /// A 128-slot open-addressing table (index in `ids` + 1, 0 = empty) for short documents.
    private var small = [Int32](repeating: 0, count: 128)
    /// Position of an id in `ids` while a long document is being counted, else -1.
    private var position: [Int32] = []
    private(set) var ids: [Int32] = []
    /// Field-weighted counts, in `Float` (exact for integer counts below 2^24).
    private(set) var counts: [Float] = []

    /// Counts `document`; returns whether some field was truncated, or the item's error.
    mutating func count<R: TermResolver>(
        _ document: TextDocument, options: TextOptions, tokenizer: Tokenizer, resolver: inout R
    ) throws(TextItemError) -> (status: TextBag.Status, truncated: Bool) {
        // Locals, not stored properties, in the loop: no exclusivity checks, no overlapping access.
        var position = self.position, ids = self.ids, counts = self.counts, scan = self.scan, small = self.small
        self.position = []; self.ids = []; self.counts = []; self.scan = ScanBuffers(); self.small = []
        defer { self.position = position; self.ids = ids; self.counts = counts; self.scan = scan; self.small = small }
        if ids.count >= DocumentCounter.linearLimit { for id in ids { position[Int(id)] = -1 } }
        small.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        ids.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        var anyField = false
        var truncated = false
        for (f, field) in options.fields.enumerated() {
            guard f < document.fields.count, let text = document.fields[f] else { continue }
            anyField = true
            if !tokenizer.scan(text, limit: options.maxTokens, into: &scan) {
                if options.onTooManyTokens == .reject {
                    throw TextItemError(
                        failureClass: .tooLarge, item: document.item, field: field.name,
                        detail: "more than \(options.maxTokens) tokens (\(text.utf8.count) bytes)",
                        hint: "raise features.text.max_tokens, or set on_too_many_tokens: truncate")
                }
                truncated = true
            }
            let weight = field.weight
            tokenizer.forEachTerm(in: &scan) { term in
                let (id, sign) = resolver.resolve(term)
                guard id >= 0 else { return }
                let delta = Float(weight * sign)
                // A short document's ids are found in a small cache-resident hash table of its
                // own; past `linearLimit` ids the id-indexed position table takes over.
                if ids.count < DocumentCounter.linearLimit {
                    let found = small.withUnsafeMutableBufferPointer { slots -> Int in
                        var h = Int((UInt32(bitPattern: id) &* 0x9E37_79B1) >> 25)
                        while true {
                            let e = Int(slots[h])
                            if e == 0 { slots[h] = Int32(ids.count + 1); return -1 }
                            if ids[e - 1] == id { return e - 1 }
                            h = (h + 1) & 127
                        }
                    }
                    if found >= 0 { counts[found] += delta } else { ids.append(id); counts.append(delta) }
                    if ids.count == DocumentCounter.linearLimit {
                        let needed = Int(ids.max()!) + 1
                        if needed > position.count { position += [Int32](repeating: -1, count: max(needed - position.count, position.count)) }
                        for (j, known) in ids.enumerated() { position[Int(known)] = Int32(j) }
                    }
                    return
                }
                let i = Int(id)
                if i >= position.count { position += [Int32](repeating: -1, count: max(i + 1 - position.count, position.count)) }
                let p = position[i]
                if p >= 0 {
                    counts[Int(p)] += delta
                } else {
                    position[i] = Int32(ids.count)
                    ids.append(id)
                    counts.append(delta)
                }
            }
        }
        if !anyField { return (.missing, false) }
        return (counts.contains { $0 != 0 } ? .present : .empty, truncated)
    }
}
