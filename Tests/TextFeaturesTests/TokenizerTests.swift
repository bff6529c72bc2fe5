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
