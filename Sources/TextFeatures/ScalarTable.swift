import Foundation

/// What the scanner needs to know about one Unicode scalar, precomputed for the whole Basic
/// Multilingual Plane: the scalars it becomes after NFKC and/or lowercasing, each with its word
/// class, or a flag that the scalar's result depends on its neighbours.
///
/// Per-scalar folding is exact when no scalar of the text is context-sensitive: a text whose
/// scalars all have canonical combining class 0, compose with nothing (not in NFC_QC=Maybe) and
/// fold to such scalars is NFKC-normalised scalar by scalar, and lowercasing is per scalar except
/// for capital sigma (Python's Final_Sigma rule). Context-sensitive scalars — marks, conjoining
/// Hangul jamo, U+03A3, and whatever NFKC turns into one of those — send the whole text to the
/// slow path (`Foundation` NFKC, then `SlowFold`).
///
/// Entry layout (`UInt32`): `slowEntry` = context-sensitive; bit 31 clear = one output scalar in
/// bits 0–20 with its class in bits 21–22; bit 31 set = `length` (bits 24–28) outputs at `offset`
/// (bits 0–23) in `sequences`, each stored the same way.
final class ScalarTable: Sendable {
    /// Word classes, as Python's `re` sees `\w` (`str.isalnum()` or `_`), CJK split out.
    enum WordClass: UInt32 { case separator = 0, word = 1, cjk = 2 }

    static let slowEntry: UInt32 = 0xFFFF_FFFF
    let entries: [UInt32]
    let sequences: [UInt32]
    let normalize: Bool
    let lowercase: Bool

    static let nfkcLower = ScalarTable(normalize: true, lowercase: true)
    static let nfkcOnly = ScalarTable(normalize: true, lowercase: false)
    static let lowerOnly = ScalarTable(normalize: false, lowercase: true)
    static let identity = ScalarTable(normalize: false, lowercase: false)

    static func table(normalize: Bool, lowercase: Bool) -> ScalarTable {
        switch (normalize, lowercase) {
        case (true, true): return nfkcLower
        case (true, false): return nfkcOnly
        case (false, true): return lowerOnly
        case (false, false): return identity
        }
    }

    private init(normalize: Bool, lowercase: Bool) {
        self.normalize = normalize
        self.lowercase = lowercase
        var entries = [UInt32](repeating: 0, count: 0x10000)
        var sequences: [UInt32] = []
        for v in 0..<0x10000 {
            if let cls = ScalarTable.plainIdeographClass(UInt32(v)) {
                entries[v] = UInt32(v) | cls << 21
                continue
            }
            guard let s = Unicode.Scalar(UInt32(v)) else { continue }  // surrogates never occur in a String
            guard let outputs = ScalarTable.fold(s, normalize: normalize, lowercase: lowercase) else {
                entries[v] = ScalarTable.slowEntry
                continue
            }
            let packed = outputs.map { $0.value | ScalarTable.bmpWordClass($0.value) << 21 }
            if packed.count == 1 {
                entries[v] = packed[0]
            } else {
                entries[v] = 1 << 31 | UInt32(packed.count) << 24 | UInt32(sequences.count)
                sequences += packed
            }
        }
        self.entries = entries
        self.sequences = sequences
    }

    /// The entry for any scalar; scalars beyond the BMP are computed on the spot.
    @inline(__always) func entry(_ value: UInt32) -> UInt32 {
        if value < 0x10000 { return entries.withUnsafeBufferPointer { $0[Int(value)] } }
        guard let s = Unicode.Scalar(value),
            let outputs = ScalarTable.fold(s, normalize: normalize, lowercase: lowercase, allowFoundation: false),
            outputs.count == 1
        else { return ScalarTable.slowEntry }
        return outputs[0].value | ScalarTable.wordClass(outputs[0]).rawValue << 21
    }

    /// The scalars `s` becomes on its own, or nil when the result depends on its neighbours.
    /// `allowFoundation: false` treats every scalar that NFKC might change as context-sensitive.
    static func fold(_ s: Unicode.Scalar, normalize: Bool, lowercase: Bool, allowFoundation: Bool = true) -> [Unicode.Scalar]? {
        var outputs = [s]
        if normalize {
            if isContextSensitiveForNFKC(s) { return nil }
            if s.properties.changesWhenNFKCCaseFolded {
                // Only these can differ from their NFKC form (NFKC_Casefold(s) == s implies NFKC(s) == s).
                guard allowFoundation else { return nil }
                outputs = Array(nfkc(String(s)).unicodeScalars)
                if outputs.contains(where: isContextSensitiveForNFKC) { return nil }
            }
        }
        if lowercase {
            if outputs.contains(where: { $0.value == 0x3A3 }) { return nil }  // Final_Sigma needs context
            outputs = outputs.flatMap { lower($0) }
        }
        return outputs
    }

    /// Python's full lowercase mapping (`str.lower`) of one scalar, final sigma aside.
    static func lower(_ s: Unicode.Scalar) -> [Unicode.Scalar] {
        if s.value < 0x80 {
            return [(0x41...0x5A).contains(s.value) ? Unicode.Scalar(s.value + 32)! : s]
        }
        return s.properties.changesWhenLowercased ? Array(s.properties.lowercaseMapping.unicodeScalars) : [s]
    }

    /// Marks with a combining class, scalars that compose with a preceding one, and conjoining
    /// jamo: NFKC reorders or composes these with their neighbours.
    static func isContextSensitiveForNFKC(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (0xFE00...0xFE0F).contains(v) { return false }  // variation selectors: ccc 0, compose with nothing
        if (0x1100...0x11FF).contains(v) { return true }
        if s.properties.canonicalCombiningClass.rawValue != 0 { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// `wordClass` of every BMP scalar, computed once for all four tables.
    private static let bmpWordClasses: [UInt8] = (0..<0x10000).map { v in
        if let cls = plainIdeographClass(UInt32(v)) { return UInt8(cls) }
        return Unicode.Scalar(UInt32(v)).map { UInt8(wordClass($0).rawValue) } ?? 0
    }

    /// The class of a scalar in the large blocks that need no property lookups — CJK Unified
    /// Ideographs (with Extension A) and Hangul syllables: letters (Lo), NFKC-stable starters,
    /// no case — or nil. This halves the time to build a table.
    private static func plainIdeographClass(_ v: UInt32) -> UInt32? {
        switch v {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF: return WordClass.cjk.rawValue
        case 0xAC00...0xD7A3: return WordClass.word.rawValue
        default: return nil
        }
    }

    private static func bmpWordClass(_ v: UInt32) -> UInt32 {
        v < 0x10000 ? UInt32(bmpWordClasses[Int(v)]) : wordClass(Unicode.Scalar(v)!).rawValue
    }

    /// Python's `\w` (`str.isalnum()` or `_`): letters (Lu Ll Lt Lm Lo), anything with a numeric
    /// type, and the underscore; Han, Hiragana and Katakana word characters are `.cjk`.
    static func wordClass(_ s: Unicode.Scalar) -> WordClass {
        if s.value < 0x80 {
            let c = s.value
            let isWord = (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F
            return isWord ? .word : .separator
        }
        let p = s.properties
        let isWord: Bool
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: isWord = true
        default: isWord = p.numericType != nil
        }
        guard isWord else { return .separator }
        return isCJK(s.value) ? .cjk : .word
    }

    /// Han ideographs (with extensions and compatibility blocks), Hiragana, Katakana (with the
    /// half-width forms and phonetic extensions), and the ideographic iteration/closing marks.
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x3005...0x3007, 0x3021...0x3029, 0x3031...0x3035, 0x3038...0x303C,
            0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
            0xFF66...0xFF9F, 0x1B000...0x1B16F, 0x20000...0x2FA1F, 0x30000...0x323AF:
            return true
        default:
            return false
        }
    }
}
