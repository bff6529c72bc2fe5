import Foundation
import TensorCore
import TestSupport
import Testing
@testable import TextFeatures

/// The saved state, the options' YAML/JSON form, fields, threads and the CSR export.
@Suite struct FittedStateTests {
    static let corpus: [TextDocument] = (try! Repository.golden("text/corpus.json", as: [String].self))
        .enumerated().map { TextDocument(item: "doc\($0.offset)", text: $0.element) }

    @Test(arguments: [false, true])
    func stateRoundTripsThroughJSONAndReproducesTraining(hashing: Bool) throws {
        var options = TextOptions()
        options.vocabulary.unknown = true
        options.vocabulary.maxSize = 300
        if hashing { options.hashing = .init(bits: 12) }
        let (v, bags) = try TextVectorizer.fitTransform(Self.corpus, options: options)
        let json = try v.fitted.jsonData()
        let decoded = try FittedText.decode(json: json)
        #expect(decoded == v.fitted)
        #expect(try decoded.jsonData() == json)
        let again = try TextVectorizer(fitted: decoded)
        #expect(again.transform(Self.corpus).map { try? $0.get() } == bags.map { try? $0.get() })
        #expect(bags.allSatisfy { (try? $0.get())?.ids.allSatisfy { $0 >= 0 && Int($0) < v.featureCount } ?? false })
    }

    /// Without NFKC, canonically equivalent spellings (a Hangul syllable and its jamo) are two
    /// terms — `String ==` would call them equal, so the state must keep them apart by bytes.
    @Test func canonicallyEquivalentSpellingsStayDistinctTerms() throws {
        var options = TextOptions()
        options.tokenizer.normalize = .none
        let docs = [TextDocument(item: "a", text: "\u{AC00}\u{AC00}"), TextDocument(item: "b", text: "\u{1100}\u{1161}\u{1100}\u{1161} x")]
        let (v, bags) = try TextVectorizer.fitTransform(docs, options: options)
        #expect(v.fitted.terms.count == 2)
        let again = try TextVectorizer(fitted: FittedText.decode(json: v.fitted.jsonData()))
        #expect(again.transform(docs).map { try? $0.get() } == bags.map { try? $0.get() })
        #expect(try bags[0].get().ids != bags[1].get().ids)
    }

    @Test func unknownIDCollectsRareTermsWithItsOwnIDF() throws {
        var options = TextOptions()
        options.vocabulary = .init(minDF: 2, unknown: true)
        let docs = ["red shoe", "red hat", "blue shoe zebra"].enumerated().map { TextDocument(item: "\($0.offset)", text: $0.element) }
        let (v, bags) = try TextVectorizer.fitTransform(docs, options: options)
        #expect(v.fitted.terms == ["red", "shoe"])
        #expect(v.fitted.documentFrequencies == [2, 2, 2])  // unknown: "hat" (doc 1), "blue"/"zebra" (doc 2)
        #expect(v.featureCount == 3 && v.term(2) == "<unknown>")
        #expect(try bags[2].get().ids == [1, 2])
        #expect(abs(v.fitted.idf[2] - (log(4.0 / 3.0) + 1)) < 1e-15)
    }

    @Test func fieldWeightsScaleCountsAndNgramsStayInsideAField() throws {
        var options = TextOptions()
        options.fields = [.init(name: "title", weight: 2), .init(name: "body")]
        options.weighting = .count
        options.norm = .none
        options.tokenizer.ngramRange = 1...2
        let docs = [TextDocument(item: "a", fields: ["red shoe", "shoe box"]), TextDocument(item: "b", fields: [nil, "red"])]
        let (v, bags) = try TextVectorizer.fitTransform(docs, options: options)
        let a = try bags[0].get()
        let weightOf = Dictionary(uniqueKeysWithValues: zip(a.ids.map { v.term($0)! }, a.weights))
        #expect(weightOf == ["red": 2, "shoe": 3, "red shoe": 2, "shoe box": 1, "box": 1])  // no "shoe shoe"
        #expect(try bags[1].get().status == .present)
    }

    /// Documents past the counter's linear-scan limit (48 distinct terms), then short ones again.
    @Test func longAndShortDocumentsCountExactly() throws {
        var options = TextOptions()
        options.weighting = .count
        options.norm = .none
        let words = (0..<120).map { "w\($0)" }
        let long = words.enumerated().map { String(repeating: $0.element + " ", count: $0.offset % 4 + 1) }.joined()
        let texts = [long, "w1 w2 w2", String(words[..<48].joined(separator: " ")), "w3 w1", long]
        let docs = texts.enumerated().map { TextDocument(item: "\($0.offset)", text: $0.element) }
        let (v, bags) = try TextVectorizer.fitTransform(docs, options: options)
        for (d, text) in texts.enumerated() {
            var expected: [String: Float] = [:]
            for w in text.split(separator: " ") { expected[String(w), default: 0] += 1 }
            let bag = try bags[d].get()
            #expect(Dictionary(uniqueKeysWithValues: zip(bag.ids.map { v.term($0)! }, bag.weights)) == expected, "doc \(d)")
            #expect(v.transform(docs[d]).map(\.weights) == .success(bag.weights))
        }
    }

    @Test(arguments: [false, true])
    func termsGiveTheSameBagAsTheirText(hashing: Bool) throws {
        var options = TextOptions()
        if hashing { options.hashing = .init(bits: 10) }
        let v = try TextVectorizer.fit(Self.corpus, options: options)
        for doc in Self.corpus.prefix(60) {
            let text = doc.fields[0]!
            #expect(v.transform(terms: v.tokenizer.analyze(text)) == (try v.transform(doc).get()), "\(text)")
        }
    }

    @Test func resultsDoNotDependOnThreads() throws {
        let (v1, b1) = try TextVectorizer.fitTransform(Self.corpus, options: TextOptions(), threads: 1)
        let (v2, b2) = try TextVectorizer.fitTransform(Self.corpus, options: TextOptions(), threads: 2)
        #expect(try v1.fitted.jsonData() == v2.fitted.jsonData())
        #expect(b1.map { try? $0.get() } == b2.map { try? $0.get() })
        #expect(v1.transform(Self.corpus, threads: 2).map { try? $0.get() } == b1.map { try? $0.get() })
    }

    /// Every text model saves its options (FittedText JSON, sorted keys): their bytes must not change.
    @Test func savedOptionsKeepTheirBytes() throws {
        var o = TextOptions()
        o.fields = [.init(name: "title", weight: 2), .init(name: "body")]
        o.tokenizer.stopWords = .list(["a"])
        o.tokenizer.ngramRange = 1...2
        o.vocabulary.maxSize = 50
        o.hashing = .init(bits: 12)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(TextOptions()), as: UTF8.self) == #"""
            {"encoder":{"dim":64,"export_sparse":false,"trainable":true},"fields":[{"name":"description","weight":1}],"invalid_utf8":"reject","max_tokens":100000,"norm":"l2","on_too_many_tokens":"truncate","smooth_idf":true,"sublinear_tf":false,"tokenizer":{"cjk":"bigrams","lowercase":true,"ngram_range":[1,1],"normalize":"nfkc","pattern":"(?u)\\b\\w\\w+\\b","stop_words":"none"},"vocabulary":{"max_df":1,"min_df":1,"unknown":false},"weighting":"tfidf"}
            """#)
        #expect(String(decoding: try encoder.encode(o), as: UTF8.self) == #"""
            {"encoder":{"dim":64,"export_sparse":false,"trainable":true},"fields":[{"name":"title","weight":2},{"name":"body","weight":1}],"hashing":{"alternate_sign":true,"bits":12},"invalid_utf8":"reject","max_tokens":100000,"norm":"l2","on_too_many_tokens":"truncate","smooth_idf":true,"sublinear_tf":false,"tokenizer":{"cjk":"bigrams","lowercase":true,"ngram_range":[1,2],"normalize":"nfkc","pattern":"(?u)\\b\\w\\w+\\b","stop_words":["a"]},"vocabulary":{"max_df":1,"max_size":50,"min_df":1,"unknown":false},"weighting":"tfidf"}
            """#)
    }

    @Test func optionsDecodeFromSnakeCaseWithDefaultsAndRejectUnknownKeys() throws {
        let json = #"""
        {"fields": ["title", {"name": "body", "weight": 0.5}], "tokenizer": {"cjk": "both", "stop_words": ["x"],
         "ngram_range": [1, 2]}, "vocabulary": {"max_size": 10}, "hashing": {"bits": 8}, "norm": "none",
         "on_too_many_tokens": "reject", "encoder": {"dim": 32}}
        """#
        let o = try JSONDecoder().decode(TextOptions.self, from: Data(json.utf8))
        #expect(o.fields == [.init(name: "title"), .init(name: "body", weight: 0.5)])
        #expect(o.tokenizer.cjk == .both && o.tokenizer.stopWords == .list(["x"]) && o.tokenizer.ngramRange == 1...2)
        #expect(o.tokenizer.normalize == .nfkc && o.vocabulary.maxSize == 10 && o.vocabulary.minDF == 1)
        #expect(o.hashing == .init(bits: 8, alternateSign: true) && o.norm == .none && o.weighting == .tfidf)
        #expect(o.onTooManyTokens == .reject && o.encoder == .init(dim: 32) && o.maxTokens == 100_000)
        #expect(try JSONDecoder().decode(TextOptions.self, from: JSONEncoder().encode(o)) == o)
        #expect(try JSONDecoder().decode(TextOptions.self, from: Data("{}".utf8)) == TextOptions())
        do {
            _ = try JSONDecoder().decode(TextOptions.self, from: Data(#"{"tokenizer": {"lowercasee": true}}"#.utf8))
            Issue.record("an unknown key was accepted")
        } catch {
            #expect("\(error)".contains("unknown key 'lowercasee'"))
        }
    }

    /// The CSR export as scipy reads it: indptr/indices/data/shape, here checked against the bags.
    @Test func sparseRowsExportAsSafetensors() throws {
        let (v, bags) = try TextVectorizer.fitTransform(Array(Self.corpus.prefix(40)), options: TextOptions())
        let rows = SparseRows(bags, columns: v.featureCount)
        #expect(rows.rows == 40 && rows.indptr.last == Int64(rows.indices.count) && rows.data.count == rows.indices.count)
        for (r, result) in bags.enumerated() {
            let bag = try result.get()
            let span = Int(rows.indptr[r])..<Int(rows.indptr[r + 1])
            #expect(Array(rows.indices[span]) == bag.ids && Array(rows.data[span]) == bag.weights)
            #expect(rows.missing[r] == (bag.isEmpty ? 1 : 0))
        }
        let file = try Safetensors.decode([UInt8](Safetensors.encode(rows.safetensorsEntries())))
        #expect(file["text_tfidf.shape"]?.tensor().storage == [40, Float(v.featureCount)])
        #expect(file["text_tfidf.data"]?.tensor().storage == rows.data)
        #expect(file["text_tfidf.indices"]?.dtype == .int32 && file["text_tfidf.indptr"]?.dtype == .int64)
    }
}
