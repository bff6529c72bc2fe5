import Foundation
import TestSupport
import Testing
@testable import TextFeatures

/// The scanner's Unicode tables against Python 3.11's `re` and `unicodedata` (Unicode 14.0) for
/// every assigned BMP scalar (scripts/golden/text_vectorizers.py writes unicode.json).
@Suite struct UnicodeTableTests {
    struct Replacement: Decodable { let bytes: [UInt8]; let text: String }
    struct Tables: Decodable {
        let assigned: [[UInt32]]
        let word: [[UInt32]]
        let folded: [[FoldedEntry]]
        let english_stop_words: [String]
        let utf8_replace: [Replacement]
    }
    enum FoldedEntry: Decodable {
        case scalar(UInt32), text(String)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(UInt32.self) { self = .scalar(v) } else { self = .text(try c.decode(String.self)) }
        }
    }
    static let tables: Tables = try! Repository.golden("text/unicode.json")

    static func contains(_ ranges: [[UInt32]], _ v: UInt32) -> Bool {
        var (lo, hi) = (0, ranges.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid][1] <= v { lo = mid + 1 } else if ranges[mid][0] > v { hi = mid } else { return true }
        }
        return false
    }

    @Test func wordClassMatchesPythonForEveryAssignedBMPScalar() {
        var mismatches: [String] = []
        for range in Self.tables.assigned {
            for v in range[0]..<range[1] {
                let ours = ScalarTable.wordClass(Unicode.Scalar(v)!) != .separator
                if ours != Self.contains(Self.tables.word, v) { mismatches.append(String(v, radix: 16)) }
            }
        }
        #expect(mismatches.isEmpty, "\\w differs for U+\(mismatches.prefix(20))")
    }

    /// NFKC then lowercase of each scalar alone, as `Tokenizer.normalize` computes it (table or
    /// slow path), equals Python's `unicodedata.normalize("NFKC", c).lower()`.
    @Test func foldingMatchesPythonForEveryAssignedBMPScalar() throws {
        let tokenizer = try Tokenizer(TokenizerOptions())
        var expected: [UInt32: String] = [:]
        for entry in Self.tables.folded {
            guard case .scalar(let v) = entry[0], case .text(let t) = entry[1] else { continue }
            expected[v] = t
        }
        #expect(expected.count > 4000)
        var mismatches: [String] = []
        for range in Self.tables.assigned {
            for v in range[0]..<range[1] {
                let s = String(Unicode.Scalar(v)!)
                let want = expected[v] ?? s
                if tokenizer.normalize(s).unicodeScalars.elementsEqual(want.unicodeScalars) == false {
                    mismatches.append(String(v, radix: 16))
                }
            }
        }
        #expect(mismatches.isEmpty, "NFKC+lower differs for U+\(mismatches.prefix(20)) (\(mismatches.count) scalars)")
    }

    @Test func englishStopWordsAreScikitLearns() {
        #expect(englishStopWords == Self.tables.english_stop_words)
    }

    @Test func replacementDecodingMatchesPython() throws {
        for r in Self.tables.utf8_replace {
            let text = try TextDecoding.decode(r.bytes, source: "i", policy: .replace)
            let pythonText = r.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? String(r.text.dropFirst()) : r.text  // we drop the BOM
            #expect(text.unicodeScalars.elementsEqual(pythonText.unicodeScalars), "\(r.bytes)")
        }
    }

    @Test func contextSensitiveTextsFoldLikeWholeTextNFKC() throws {
        let t = try Tokenizer(TokenizerOptions())
        #expect(t.normalize("ΟΔΟΣ ΣΑΣ Σ.") == "οδος σας σ.")  // final sigma only after a cased letter
        #expect(t.normalize("cafe\u{301}") == "café")
        #expect(t.normalize("ｶﾞｷﾞ") == "ガギ")  // half-width kana + voiced mark compose
        #expect(t.normalize("\u{3131}\u{314F}") == "가")  // compatibility jamo compose after NFKC
        #expect(t.normalize("İ") == "i\u{307}")
        #expect(t.tokens("ΟΔΟΣ ﬁne Ｆｕｌｌ") == ["οδος", "fine", "full"])
    }
}
