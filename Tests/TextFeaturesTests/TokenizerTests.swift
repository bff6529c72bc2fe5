import TensorCore
import TestSupport
import Testing
@testable import TextFeatures

/// The tokenizer's definitions, by example (the golden tests cover scikit-learn parity).
@Suite struct TokenizerTests {
    func tokens(_ text: String, _ configure: (inout TokenizerOptions) -> Void = { _ in }) throws -> [String] {
        var options = TokenizerOptions()
        configure(&options)
        return try Tokenizer(options).analyze(text)
    }

    @Test func cjkModes() throws {
        let text = "iPhone手机壳 大 5G"
        #expect(try tokens(text) { $0.cjk = .none } == ["iphone手机壳", "5g"])  // scikit-learn: 大 is too short
        #expect(try tokens(text) { $0.cjk = .unigrams } == ["iphone", "手", "机", "壳", "大", "5g"])
        #expect(try tokens(text) { $0.cjk = .bigrams } == ["iphone", "手机", "机壳", "大", "5g"])
        #expect(try tokens(text) { $0.cjk = .both } == ["iphone", "手", "手机", "机", "机壳", "壳", "大", "5g"])
        #expect(try tokens("東京タワー、ひらがな") == ["東京", "京タ", "タワ", "ワー", "ひら", "らが", "がな"])
    }

    @Test func wordRunsFollowPythonsBackslashW() throws {
        // Underscore and digits are word characters; marks and punctuation are not; one-letter runs drop.
        #expect(try tokens("snake_case x 3.14 don't e-mail") == ["snake_case", "14", "don", "mail"])
        #expect(try tokens("x² ½ Ⅻ") { $0.normalize = .none } == ["x²"])  // ½ and ⅻ are one character each
        #expect(try tokens("x² ½ Ⅻ") == ["x2", "xii"])  // NFKC: ½ → 1⁄2 (the slash is not \w), Ⅻ → XII
        #expect(try tokens("a b cd", { $0.tokenPattern = #"(?u)\b\w+\b"# }) == ["a", "b", "cd"])
    }

    @Test func stopWordsThenNgramsInScikitLearnOrder() throws {
        let t = try tokens("The quick brown fox and the dog") { $0.stopWords = .english; $0.ngramRange = 1...3 }
        #expect(t == ["quick", "brown", "fox", "dog", "quick brown", "brown fox", "fox dog", "quick brown fox", "brown fox dog"])
        #expect(try tokens("Sale SALE sale now") { $0.stopWords = .list(["SALE"]) } == ["now"])  // list is folded too
        #expect(try tokens("one two") { $0.ngramRange = 2...4 } == ["one two"])
    }

    /// The fast path (tables, whitespace segments sent to the slow path one by one) gives the
    /// tokens of the definition: tokenize `normalize(text)` of the whole text.
    @Test func fastPathEqualsTokenizingTheNormalizedText() throws {
        let corpus: [String] = try Repository.golden("text/corpus.json")
        let extra = ["Big ΟΔΟΣ sale ｶﾞｷﾞ cafe\u{301}s end", "ΣΑΣ'Σ. x ΑΣ", "e\u{301}\u{301} \u{3131}\u{314F}ㄴ ok",
                     "नमस्ते दुनिया hello", "\u{FF9E}start", "mix中文ΣΑΣ日本 ﬁ"]
        for cjk in TokenizerOptions.CJKMode.allCases {
            let fast = try Tokenizer(TokenizerOptions(cjk: cjk))
            let plain = try Tokenizer(TokenizerOptions(normalize: .none, lowercase: false, cjk: cjk))
            for text in corpus + extra {
                #expect(fast.tokens(text) == plain.tokens(fast.normalize(text)), "\(cjk): \(text)")
            }
        }
    }

    /// The same, on seeded random strings drawn from the scalars that exercise every path:
    /// ASCII, Latin-1, capital sigma, combining marks, fullwidth and half-width forms, jamo,
    /// ideographs, kana, ligatures, emoji with variation selectors, and whitespace.
    @Test func fastPathEqualsDefinitionOnRandomText() throws {
        let pool: [UInt32] = [0x41, 0x61, 0x5A, 0x7A, 0x30, 0x5F, 0x20, 0x20, 0x2E, 0x27, 0x0A, 0xC9, 0xE9, 0xDF, 0xA0, 0xAD,
                              0x130, 0x3A3, 0x3A3, 0x391, 0x3C3, 0x301, 0x308, 0x323, 0x1E9E, 0x212A, 0x2160, 0xFB01,
                              0xFF21, 0xFF41, 0xFF0C, 0xFF76, 0xFF9E, 0x1100, 0x1161, 0x11A8, 0x3131, 0x314F, 0xAC00,
                              0x4E2D, 0x6587, 0x3042, 0x30AB, 0x3099, 0x3000, 0x1F600, 0xFE0F, 0x200D, 0x1D400, 0x10400]
        var rng = SeededGenerator(seed: 2026)
        for cjk in TokenizerOptions.CJKMode.allCases {
            let fast = try Tokenizer(TokenizerOptions(cjk: cjk))
            let plain = try Tokenizer(TokenizerOptions(normalize: .none, lowercase: false, cjk: cjk))
            for _ in 0..<300 {
                var scalars = String.UnicodeScalarView()
                for _ in 0..<(1 + rng.nextInt(below: 24)) { scalars.append(Unicode.Scalar(pool[rng.nextInt(below: pool.count)])!) }
                let text = String(scalars)
                #expect(fast.tokens(text) == plain.tokens(fast.normalize(text)), "\(cjk): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test func customPatternUsesItsFirstGroup() throws {
        let t = try tokens("price: $19.99, $5") { $0.cjk = .none; $0.tokenPattern = #"\$(\d+)"# }
        #expect(t == ["19", "5"])
        // Python's inline flag is accepted; \w and \b are then Swift's (UTS #18).
        #expect(try tokens("ab abc abcd") { $0.cjk = .none; $0.tokenPattern = #"(?u)\b\w\w\w+\b"# } == ["abc", "abcd"])
    }

    @Test func tokensAreCutAtTheLimit() throws {
        let t = try Tokenizer(TokenizerOptions())
        var buffers = ScanBuffers()
        #expect(t.scan("aa bb 中文字 cc", limit: 3, into: &buffers) == false)
        #expect(buffers.tokenCount == 3)
        #expect(t.scan("aa bb 中文字 cc", limit: 5, into: &buffers) == true)
        #expect(buffers.tokenCount == 5)
        // Through a slow-path segment (capital sigma) and past it.
        #expect(t.scan("aa ΟΔΟΣ bb cc", limit: 2, into: &buffers) == false)
        #expect(buffers.tokenCount == 2 && String(decoding: buffers.bytes[Int(buffers.tokenStart[1])..<Int(buffers.tokenEnd[1])], as: UTF8.self) == "οδος")
        #expect(t.scan("aa ΟΔΟΣ bb cc", limit: 4, into: &buffers) == true && buffers.tokenCount == 4)
    }

    @Test func murmurHashMatchesReferenceVectors() {
        // scikit-learn 1.9.1 sklearn.utils.murmurhash3_32(key, seed=0) on these UTF-8 bytes.
        func h(_ s: String) -> Int32 { Array(s.utf8).withUnsafeBufferPointer { murmurHash3($0) } }
        #expect(h("") == 0)
        #expect(h("hello") == 613_153_351)
        #expect(h("The quick brown fox") == 1_621_279_277)
        #expect(h("ünïcödé") == 2_069_557_956 && h("abcd") == 1_139_631_978 && h("abcde") == -392_455_434)
    }
}
