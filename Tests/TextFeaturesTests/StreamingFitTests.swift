import Foundation
import TestSupport
import Testing
@testable import TextFeatures

/// Fitting on a stream of batches gives the state of fitting on all the documents at once.
@Suite struct StreamingFitTests {
    static let corpus = FittedStateTests.corpus

    /// Feeds the corpus in batches of `batch` documents (twice when the unknown id needs it).
    static func streamed(_ options: TextOptions, batch: Int, threads: Int) throws -> TextVectorizer {
        var fit = try TextFitAccumulator(options: options, threads: threads)
        let batches = stride(from: 0, to: corpus.count, by: batch).map { Array(corpus[$0..<min(corpus.count, $0 + batch)]) }
        for b in batches { fit.add(b) }
        try fit.chooseVocabulary()
        if fit.needsSecondPass { for b in batches { fit.countUnknown(b) } }
        return try fit.vectorizer()
    }

    static let variants: [(String, TextOptions)] = {
        var plain = TextOptions()
        plain.vocabulary.minDF = 2
        var unknown = TextOptions()
        unknown.vocabulary.unknown = true
        unknown.vocabulary.maxSize = 150
        unknown.vocabulary.maxDF = 0.5
        var hashing = TextOptions()
        hashing.hashing = .init(bits: 10)
        var rejecting = TextOptions()
        rejecting.maxTokens = 12
        rejecting.onTooManyTokens = .reject
        rejecting.vocabulary.unknown = true
        rejecting.vocabulary.minDF = 2
        return [("min_df 2", plain), ("unknown, max_size, max_df", unknown), ("hashing", hashing), ("max_tokens reject", rejecting)]
    }()

    @Test(arguments: [1, 7, 64, 10_000], [1, 2])
    func batchesGiveTheStateOfOneFit(batch: Int, threads: Int) throws {
        for (name, options) in Self.variants {
            let whole = try TextVectorizer.fit(Self.corpus, options: options, threads: 1)
            let streamed = try Self.streamed(options, batch: batch, threads: threads)
            #expect(streamed.fitted == whole.fitted, "\(name), batches of \(batch), \(threads) threads")
            #expect(streamed.transform(Self.corpus).map { try? $0.get() } == whole.transform(Self.corpus).map { try? $0.get() }, "\(name)")
        }
    }

    @Test func theUnknownCountIsNotZeroHere() throws {
        // The test above would pass vacuously if no document held an unknown term.
        let (_, options) = Self.variants[1]
        let fitted = try Self.streamed(options, batch: 13, threads: 2).fitted
        #expect(fitted.documentFrequencies.last ?? 0 > 0)
        #expect(fitted.terms.count == 150)
    }

    @Test func anEmptyStreamFailsAsAnEmptyFitDoes() throws {
        var fit = try TextFitAccumulator(options: TextOptions())
        fit.add([TextDocument(item: "a", text: "!!!"), TextDocument(item: "b", text: nil)])
        #expect(throws: TextFitError.self) { try fit.chooseVocabulary() }
        #expect(throws: TextFitError.self) { try TextVectorizer.fit([TextDocument(item: "a", text: "!!!")], options: TextOptions()) }
    }
}
