/// Reusable buffers of one scanning task, passed `inout` (a struct, so that the hot loops pay no
/// dynamic exclusivity checks).
///
/// `bytes` holds the folded UTF-8 of word characters only; token `k` is
/// `bytes[tokenStart[k]..<tokenEnd[k]]` (a CJK bigram is simply a range over two characters).
struct ScanBuffers {
    var bytes = ByteBuffer()
    var tokenStart: [Int32] = []
    var tokenEnd: [Int32] = []
    var cjkStarts: [Int32] = []
    /// Scratch for joining the tokens of an n-gram.
    var gram: [UInt8] = []

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        tokenStart.removeAll(keepingCapacity: true)
        tokenEnd.removeAll(keepingCapacity: true)
        cjkStarts.removeAll(keepingCapacity: true)
    }

    var tokenCount: Int { tokenStart.count }

    /// Forgets every token and byte after the first `tokens` tokens and `byteCount` bytes.
    mutating func rollBack(toTokens tokens: Int, bytes byteCount: Int) {
        tokenStart.removeLast(tokenStart.count - tokens)
        tokenEnd.removeLast(tokenEnd.count - tokens)
        bytes.removeLast(bytes.count - byteCount)
        cjkStarts.removeAll(keepingCapacity: true)
    }
}

/// The built-in tokenizer: maximal runs of word characters (Python `re` `\w`), split into CJK
/// and non-CJK sub-runs; a non-CJK run of at least `minimumLength` scalars is a token (so the
/// default equals `(?u)\b\w\w+\b`), CJK runs become unigrams and/or bigrams per `cjk`.
struct TokenScanner: Sendable {
    enum Outcome: Equatable {
        case done, truncated
        /// The whitespace-delimited segment starting at this input offset needs the slow path;
        /// the tokens of the input before it are in the buffers, nothing of the segment.
        case needsSlowPath(segmentStart: Int)
    }

    let table: ScalarTable
    let minimumLength: Int
    let cjk: TokenizerOptions.CJKMode
    /// Stop after this many tokens (`.truncated` when more would follow).
    let limit: Int

    /// Appends the tokens of `input[start...]` (valid UTF-8) to `out`.
    func scan(_ input: UnsafeBufferPointer<UInt8>, from start: Int = 0, into out: inout ScanBuffers) -> Outcome {
        // One state machine over the bytes (its steps share the open run): splitting it would cost a call per byte.
        let entries = table.entries
        let sequences = table.sequences
        let lowercase = table.lowercase
        let splitCJK = cjk != .none
        var runStart = out.bytes.count  // word run: first byte and length in scalars
        var runLength = 0
        var cjkRun = false
        var i = start
        let n = input.count
        // Where the current whitespace-delimited segment began, in the input and in the buffers:
        // a context-sensitive scalar sends only its segment to the slow path (NFKC and the
        // Final_Sigma rule never reach across ASCII whitespace).
        var segmentStart = start, segmentTokens = out.tokenCount, segmentBytes = out.bytes.count

        // Closes the open run, emitting its tokens; false when the limit is hit.
        func closeRun() -> Bool {
            if cjkRun {
                cjkRun = false
                return emitCJK(&out)
            }
            defer { runLength = 0 }
            if runLength == 0 { return true }
            if runLength >= minimumLength {
                if out.tokenCount == limit { return false }
                out.tokenStart.append(Int32(runStart)); out.tokenEnd.append(Int32(out.bytes.count))
            } else {
                out.bytes.removeLast(out.bytes.count - runStart)
            }
            return true
        }

        // Adds one folded scalar with its class; false when the limit is hit.
        func add(_ packed: UInt32) -> Bool {
            let cls = packed >> 21 & 3
            if cls == 0 { return closeRun() }
            if cls == 2 && splitCJK {
                if !cjkRun {
                    if !closeRun() { return false }
                    cjkRun = true
                }
                out.cjkStarts.append(Int32(out.bytes.count))
            } else {
                if cjkRun {
                    if !closeRun() { return false }
                }
                if runLength == 0 { runStart = out.bytes.count }
                runLength += 1
            }
            appendUTF8(packed & 0x1F_FFFF, to: &out.bytes)
            return true
        }

        while i < n {
            let b = input[i]
            if b < 0x80 {
                guard isASCIIWord(b) else {
                    if runLength > 0 || cjkRun, !closeRun() { return .truncated }
                    i += 1
                    if isASCIIWhitespace(b) { (segmentStart, segmentTokens, segmentBytes) = (i, out.tokenCount, out.bytes.count) }
                    continue
                }
                // A whole run of ASCII word bytes in one tight loop.
                if cjkRun, !closeRun() { return .truncated }
                if runLength == 0 { runStart = out.bytes.count }
                let j = out.bytes.appendASCIIWordRun(input, from: i, lowercase: lowercase)
                runLength += j - i
                i = j
                continue
            }
            let (value, length) = decodeScalar(input, at: i)
            i += length
            let e = value < 0x10000 ? entries[Int(value)] : table.entry(value)
            if e == ScalarTable.slowEntry {
                out.rollBack(toTokens: segmentTokens, bytes: segmentBytes)
                return .needsSlowPath(segmentStart: segmentStart)
            }
            if e & (1 << 31) == 0 {
                if !add(e) { return .truncated }
            } else {
                let offset = Int(e & 0xFF_FFFF), count = Int(e >> 24 & 0x1F)
                for k in offset..<(offset + count) where !add(sequences[k]) { return .truncated }
            }
        }
        return closeRun() ? .done : .truncated
    }

    /// Emits the tokens of the CJK run whose characters start at `out.cjkStarts`; false when the
    /// limit is hit.
    private func emitCJK(_ out: inout ScanBuffers) -> Bool {
        defer { out.cjkStarts.removeAll(keepingCapacity: true) }
        let starts = out.cjkStarts
        let k = starts.count
        let end = Int32(out.bytes.count)
        let unigrams = cjk == .unigrams || cjk == .both || (cjk == .bigrams && k == 1)
        let bigrams = cjk == .bigrams || cjk == .both
        for j in 0..<k {
            let next = j + 1 < k ? starts[j + 1] : end
            if unigrams {
                if out.tokenCount == limit { return false }
                out.tokenStart.append(starts[j]); out.tokenEnd.append(next)
            }
            if bigrams && j + 1 < k {
                if out.tokenCount == limit { return false }
                out.tokenStart.append(starts[j]); out.tokenEnd.append(j + 2 < k ? starts[j + 2] : end)
            }
        }
        return true
    }
}

/// Whether an ASCII byte is a word character: [0-9A-Za-z_].
@inline(__always) func isASCIIWord(_ b: UInt8) -> Bool {
    // Bit b of the 128-bit mask (two words) is set for word bytes.
    let low: UInt64 = 0x03FF_0000_0000_0000, high: UInt64 = 0x07FF_FFFE_87FF_FFFE
    return b < 64 ? (low >> UInt64(b)) & 1 != 0 : b < 128 && (high >> UInt64(b - 64)) & 1 != 0
}

/// Space, tab, line feed, vertical tab, form feed, carriage return.
@inline(__always) func isASCIIWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

/// Decodes the scalar starting at `i` of valid UTF-8 (a `String`'s bytes).
@inline(__always) func decodeScalar(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
    let b0 = UInt32(p[i])
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1]) & 0x3F, 2) }
    if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | (UInt32(p[i + 1]) & 0x3F) << 6 | UInt32(p[i + 2]) & 0x3F, 3) }
    return (
        (b0 & 0x07) << 18 | (UInt32(p[i + 1]) & 0x3F) << 12 | (UInt32(p[i + 2]) & 0x3F) << 6 | UInt32(p[i + 3]) & 0x3F, 4
    )
}

@inline(__always) func appendUTF8(_ v: UInt32, to out: inout ByteBuffer) {
    out.reserve(4)
    appendUTF8Bytes(v) { out.append($0) }
}

@inline(__always) func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    appendUTF8Bytes(v) { out.append($0) }
}

/// The UTF-8 bytes of scalar value `v`, one call of `emit` each.
@inline(__always) func appendUTF8Bytes(_ v: UInt32, _ emit: (UInt8) -> Void) {
    switch v {
    case ..<0x80: emit(UInt8(v))
    case ..<0x800: emit(UInt8(0xC0 | v >> 6)); emit(UInt8(0x80 | v & 0x3F))
    case ..<0x10000:
        emit(UInt8(0xE0 | v >> 12)); emit(UInt8(0x80 | v >> 6 & 0x3F)); emit(UInt8(0x80 | v & 0x3F))
    default:
        emit(UInt8(0xF0 | v >> 18)); emit(UInt8(0x80 | v >> 12 & 0x3F))
        emit(UInt8(0x80 | v >> 6 & 0x3F)); emit(UInt8(0x80 | v & 0x3F))
    }
}
