import Foundation

/// Text → tokens → terms, configured by `TokenizerOptions`. A `Sendable` value with no mutable
/// state: any number of threads may use one tokenizer at once.
///
/// Steps, in order: NFKC (optional), lowercase (optional), tokens (built-in scanner or a custom
/// `Regex`), at most `limit` tokens, stop-word removal, word n-grams joined by one space — the
/// order of scikit-learn's `_word_ngrams` (unigrams, then every bigram, then every trigram, …).
public struct Tokenizer: Sendable {
    public let options: TokenizerOptions
    private let table: ScalarTable
    private let minimumLength: Int?
    private let pattern: CompiledPattern?
    private let stopWords: TermTable

    public init(_ options: TokenizerOptions) throws(TextOptionsError) {
        let problems = options.problems()
        guard problems.isEmpty else { throw TextOptionsError(problems: problems) }
        self.options = options
        minimumLength = options.builtInMinimumLength
        pattern = minimumLength == nil ? (try? Regex(options.swiftPattern)).map(CompiledPattern.init) : nil
        let table = ScalarTable.table(normalize: options.normalize == .nfkc, lowercase: options.lowercase)
        self.table = table
        var stops = TermTable(capacity: 64)
        let words: [String]
        switch options.stopWords {
        case .none: words = []
        case .english: words = englishStopWords
        case .list(let list): words = list
        }
        for w in words { _ = stops.insert(Array(Tokenizer.normalize(w, table: table).utf8)) }
        stopWords = stops
    }

    /// The text after NFKC and lowercasing as configured (what the token pattern runs over).
    public func normalize(_ text: String) -> String { Tokenizer.normalize(text, table: table) }

    private static func normalize(_ text: String, table: ScalarTable) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            let e = table.entry(s.value)
            if e == ScalarTable.slowEntry {
                return String(decoding: foldSlowly(text, normalize: table.normalize, lowercase: table.lowercase), as: UTF8.self)
            }
            if e & (1 << 31) == 0 {
                out.append(Unicode.Scalar(e & 0x1F_FFFF)!)
            } else {
                let offset = Int(e & 0xFF_FFFF)
                for k in offset..<(offset + Int(e >> 24 & 0x1F)) { out.append(Unicode.Scalar(table.sequences[k] & 0x1F_FFFF)!) }
            }
        }
        return String(out)
    }

    /// The tokens of `text` before stop words and n-grams.
    public func tokens(_ text: String) -> [String] {
        var buffers = ScanBuffers()
        _ = scan(text, limit: Int.max, removeStopWords: false, into: &buffers)
        return (0..<buffers.tokenCount).map {
            String(decoding: buffers.bytes[Int(buffers.tokenStart[$0])..<Int(buffers.tokenEnd[$0])], as: UTF8.self)
        }
    }

    /// The terms of `text`: tokens, stop words removed, n-grams added — scikit-learn's
    /// `build_analyzer()(text)` for the equivalent configuration.
    public func analyze(_ text: String) -> [String] {
        var buffers = ScanBuffers()
        _ = scan(text, limit: Int.max, into: &buffers)
        var terms: [String] = []
        forEachTerm(in: &buffers) { terms.append(String(decoding: $0, as: UTF8.self)) }
        return terms
    }

    /// Scans `text` into `buffers` (reset first): token ranges, stop words removed unless told
    /// otherwise. Returns false when the text had more than `limit` tokens (the first `limit` are kept).
    func scan(_ text: String, limit: Int, removeStopWords: Bool = true, into buffers: inout ScanBuffers) -> Bool {
        buffers.reset()
        var complete = true
        if let minimumLength {
            let scanner = TokenScanner(table: table, minimumLength: minimumLength, cjk: options.cjk, limit: limit)
            complete = text.utf8.withContiguousStorageIfAvailable { scanInSegments(scanner, $0, into: &buffers) }
                ?? Array(text.utf8).withUnsafeBufferPointer { scanInSegments(scanner, $0, into: &buffers) }
        } else if let pattern {
            complete = scanWithPattern(pattern.regex, text, limit: limit, into: &buffers)
        }
        if removeStopWords && stopWords.count > 0 { dropStopWords(&buffers) }
        return complete
    }

    /// Scans with the fast table, folding each segment that holds a context-sensitive scalar
    /// (between ASCII whitespace) with `foldSlowly` and scanning the result as it is; false when
    /// the limit was hit.
    private func scanInSegments(_ scanner: TokenScanner, _ input: UnsafeBufferPointer<UInt8>, into buffers: inout ScanBuffers) -> Bool {
        var from = 0
        while true {
            switch scanner.scan(input, from: from, into: &buffers) {
            case .done: return true
            case .truncated: return false
            case .needsSlowPath(let start):
                var end = start
                while end < input.count && !isASCIIWhitespace(input[end]) { end += 1 }
                let segment = String(decoding: UnsafeBufferPointer(rebasing: input[start..<end]), as: UTF8.self)
                let folded = foldSlowly(segment, normalize: table.normalize, lowercase: table.lowercase)
                let plain = TokenScanner(table: .identity, minimumLength: scanner.minimumLength, cjk: scanner.cjk, limit: scanner.limit)
                if folded.withUnsafeBufferPointer({ plain.scan($0, into: &buffers) }) == .truncated { return false }
                from = end
            }
        }
    }

    /// Custom patterns: every match (or its first capture group, as scikit-learn) is a token.
    private func scanWithPattern(_ pattern: Regex<AnyRegexOutput>, _ text: String, limit: Int, into buffers: inout ScanBuffers) -> Bool {
        let normalized = normalize(text)
        for match in normalized.matches(of: pattern) {
            let piece = match.output.count > 1 ? match.output[1].substring : match.output[0].substring
            guard let piece, !piece.isEmpty else { continue }
            if buffers.tokenCount == limit { return false }
            buffers.tokenStart.append(Int32(buffers.bytes.count))
            buffers.bytes.append(contentsOf: piece.utf8)
            buffers.tokenEnd.append(Int32(buffers.bytes.count))
        }
        return true
    }

    private func dropStopWords(_ buffers: inout ScanBuffers) {
        var kept = 0
        var starts = buffers.tokenStart, ends = buffers.tokenEnd
        buffers.bytes.withUnsafeBufferPointer { bytes in
            for k in 0..<starts.count {
                let token = UnsafeBufferPointer(rebasing: bytes[Int(starts[k])..<Int(ends[k])])
                if stopWords.find(token, hash: termHash(token)) >= 0 { continue }
                starts[kept] = starts[k]
                ends[kept] = ends[k]
                kept += 1
            }
        }
        starts.removeLast(starts.count - kept)
        ends.removeLast(ends.count - kept)
        buffers.tokenStart = starts
        buffers.tokenEnd = ends
    }

    /// Calls `body` with the bytes of every term of the scanned tokens, in scikit-learn's order.
    @inline(__always)
    func forEachTerm(in buffers: inout ScanBuffers, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let count = buffers.tokenCount
        let range = options.ngramRange
        var gram = buffers.gram
        defer { buffers.gram = gram }
        buffers.bytes.withUnsafeBufferPointer { bytes in
            buffers.tokenStart.withUnsafeBufferPointer { starts in
                buffers.tokenEnd.withUnsafeBufferPointer { ends in
                    if range.lowerBound == 1 {
                        for k in 0..<count { body(UnsafeBufferPointer(rebasing: bytes[Int(starts[k])..<Int(ends[k])])) }
                    }
                    var n = max(2, range.lowerBound)
                    while n <= min(range.upperBound, count) {
                        for i in 0...(count - n) {
                            gram.removeAll(keepingCapacity: true)
                            for k in i..<(i + n) {
                                if k > i { gram.append(0x20) }
                                gram.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(starts[k])..<Int(ends[k])]))
                            }
                            gram.withUnsafeBufferPointer { body($0) }
                        }
                        n += 1
                    }
                }
            }
        }
    }
}

/// A compiled custom token pattern. `Regex` is Sendable whenever its output type is; only
/// `AnyRegexOutput` (the type-erased match, created per match, never stored) is not, so sharing
/// the compiled program between threads is safe.
private struct CompiledPattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
}
