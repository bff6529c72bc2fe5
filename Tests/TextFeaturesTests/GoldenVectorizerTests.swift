import Foundation
import TestSupport
import Testing
@testable import TextFeatures

/// Tokens, vocabulary, idf and matrices against scikit-learn 1.9.1 on a committed corpus
/// (scripts/golden/text_vectorizers.py writes fixtures/golden/text/).
@Suite struct GoldenVectorizerTests {
    struct CSR: Decodable { let indptr: [Int]; let indices: [Int]; let data: [Double]; let shape: [Int] }
    struct Expected: Decodable {
        let terms: [String]?
        let document_frequencies: [Int]?
        let total_counts: [Double]?
        let idf: [Double]?
        let matrix: CSR
        let tokens: [[String]]?
    }
    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let options: TextOptions
        let expected: Expected
        var testDescription: String { name }
    }
    struct File: Decodable { let cases: [Case] }

    static let corpus: [String] = try! Repository.golden("text/corpus.json")
    static let cases: [Case] = try! Repository.golden("text/vectorizers.json", as: File.self).cases
    static var documents: [TextDocument] { corpus.enumerated().map { TextDocument(item: "doc\($0.offset)", text: $0.element) } }

    @Test(arguments: cases.filter { $0.expected.tokens?.isEmpty == false })
    func tokensMatchTheAnalyzer(_ c: Case) throws {
        let tokenizer = try Tokenizer(c.options.tokenizer)
        for (d, text) in Self.corpus.enumerated() {
            #expect(tokenizer.analyze(text) == c.expected.tokens![d], "doc \(d): \(text)")
        }
    }

    @Test(arguments: cases.filter { $0.options.hashing == nil })
    func vocabularyAndIDFMatch(_ c: Case) throws {
        let v = try TextVectorizer.fit(Self.documents, options: c.options)
        let f = v.fitted
        let terms = try #require(c.expected.terms)
        #expect(f.terms.count == terms.count)
        #expect(Set(f.terms) == Set(terms))
        let column = Dictionary(uniqueKeysWithValues: terms.enumerated().map { ($0.element, $0.offset) })
        for (id, term) in f.terms.enumerated() {
            guard let j = column[term] else { continue }
            #expect(f.documentFrequencies[id] == c.expected.document_frequencies![j], "df of '\(term)'")
            if c.options.weighting == .tfidf {
                #expect(abs(f.idf[id] - c.expected.idf![j]) <= 1e-12 * c.expected.idf![j], "idf of '\(term)'")
            }
        }
        // Ids: total count descending, then the term's code points.
        let totals = f.terms.map { c.expected.total_counts![column[$0]!] }
        for id in 1..<max(1, f.terms.count) {
            let ordered = totals[id - 1] > totals[id]
                || (totals[id - 1] == totals[id] && Array(f.terms[id - 1].unicodeScalars.map(\.value)).lexicographicallyPrecedes(f.terms[id].unicodeScalars.map(\.value)))
            #expect(ordered, "ids \(id - 1), \(id): '\(f.terms[id - 1])' then '\(f.terms[id])'")
        }
    }

    @Test(arguments: cases)
    func matrixMatchesTo1e6(_ c: Case) throws {
        let (v, bags) = try TextVectorizer.fitTransform(Self.documents, options: c.options)
        let m = c.expected.matrix
        #expect(bags.count == m.shape[0])
        var worst = 0.0
        for (d, result) in bags.enumerated() {
            let bag = try result.get()
            var ours: [String: Double] = [:]
            for (id, w) in zip(bag.ids, bag.weights) { ours[key(v, id)] = Double(w) }
            var theirs: [String: Double] = [:]
            for k in m.indptr[d]..<m.indptr[d + 1] {
                theirs[c.options.hashing == nil ? c.expected.terms![m.indices[k]] : String(m.indices[k])] = m.data[k]
            }
            #expect(Set(ours.keys) == Set(theirs.keys), "doc \(d) columns: \(Self.corpus[d])")
            for (k, w) in theirs { worst = max(worst, abs((ours[k] ?? 0) - w)) }
            #expect(bag.isEmpty == (m.indptr[d] == m.indptr[d + 1]))
        }
        #expect(worst <= 1e-6, "largest difference \(worst)")
    }

    /// The same bags from a separate transform after fitting, and from 2 threads.
    @Test(arguments: cases)
    func transformReproducesFitTransform(_ c: Case) throws {
        let (v, bags) = try TextVectorizer.fitTransform(Self.documents, options: c.options)
        #expect(v.transform(Self.documents, threads: 2).map { try? $0.get() } == bags.map { try? $0.get() })
        let (v2, bags2) = try TextVectorizer.fitTransform(Self.documents, options: c.options, threads: 2)
        #expect(v2.fitted == v.fitted)
        #expect(bags2.map { try? $0.get() } == bags.map { try? $0.get() })
    }

    private func key(_ v: TextVectorizer, _ id: Int32) -> String {
        v.fitted.options.hashing == nil ? v.fitted.terms[Int(id)] : String(id)
    }
}
