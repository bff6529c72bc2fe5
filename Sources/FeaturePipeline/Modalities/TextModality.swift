import Foundation
import Recommender
import TensorCore
import TextFeatures

/// Text: documents from the configured columns, a vocabulary (or hashing) fitted on the fit
/// items, a weighted bag per item (CSR tensors `text.indptr/indices/data/shape/missing`), and an
/// embedding bag in the item tower.
struct TextModality: ItemModality {
    var spec: TextSpec

    static let name = "text"
    static let summary = "Text of each item: Unicode tokens (CJK as character n-grams), vocabulary or hashing, TF-IDF, an embedding bag (off when absent)."
    static func read(_ r: MappingReader) -> TextModality { TextModality(spec: TextSpec.read(r)) }
    static var state: (key: String, type: any ModalityState.Type)? { (name, FittedText.self) }

    var onError: OnError { spec.onError }
    var inputNoun: String { "a text" }
    var columns: [(name: String, role: String, key: String)] {
        spec.options.fields.map { ($0.name, "text field", "features.text.fields") }
    }
    var requiredTensors: [String] { ["indptr", "indices", "data"] }

    /// Text is tokenized, never cached: its note says how many documents.
    func note(_ summary: ModalitySummary) -> String { "\(name): \(summary.items) documents tokenized" }

    func checkColumns(_ columns: [String], itemsFile: String) throws {
        let whole = Catalog(source: itemsFile, ids: [], columns: columns, values: [], lines: [], invalidUTF8: [:])
        _ = try TextExtraction(spec: spec, threads: 1).documents(whole, itemsFile: itemsFile)
    }

    func makeFitter(threads: Int) throws -> (any ModalityFitter)? { try TextFitter(spec: spec, threads: threads) }

    func prepare(_ state: (any ModalityState)?) throws -> (any Sendable)? {
        guard let fitted = state as? FittedText else { preconditionFailure("the text modality extracts with its fitted state") }
        return try TextVectorizer(fitted: fitted)
    }

    func extract(_ chunk: Catalog, prepared: (any Sendable)?, _ context: ExtractionContext) throws -> ModalityOutput {
        let result = try TextExtraction(spec: spec, threads: context.threads)
            .run(chunk, itemsFile: context.itemsFile, vectorizer: prepared as! TextVectorizer)
        return ModalityOutput(entries: result.rows.safetensorsEntries(prefix: Self.name), failures: result.failures,
                              summary: result.summary)
    }

    /// CSR rows: each part's row offsets continue after the values of the parts before it.
    func joinedTensors(_ parts: [[Safetensors.Entry]]) -> [Safetensors.Entry] {
        SparseRows(joining: parts.map { SparseRows(entries: $0, prefix: Self.name) }).safetensorsEntries(prefix: Self.name)
    }

    func encoder(_ tensors: ModalityTensors, count: Int, state: (any ModalityState)?, fitItems: [Int],
                 rng: inout SeededGenerator) throws -> (encoder: any FeatureEncoder, state: (any ModalityState)?) {
        let (indptr, indices, data) = (tensors["indptr"]!, tensors["indices"]!, tensors["data"]!)
        let offsets = indptr.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)).map(Int.init) }
        let ids = indices.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)).map(Int.init) }
        let columns = tensors["shape"].map { e in Int(e.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int64.self) }) }
            ?? ((ids.max() ?? 0) + 1)
        let encoder = BagEncoder(name: Self.name, offsets: offsets, ids: ids, weights: data.tensor().storage,
                                 vocabularySize: columns, outputDimension: spec.dim, rng: &rng)
        return (encoder, state)
    }
}

extension FittedText: ModalityState {}

/// The text vocabulary and idf, counted chunk by chunk (a second pass counts documents with
/// unknown terms when the vocabulary has an unknown id): the same state as fitting on every
/// fitted document at once.
struct TextFitter: ModalityFitter {
    let spec: TextSpec
    var accumulator: TextFitAccumulator
    var secondPass = false

    init(spec: TextSpec, threads: Int) throws {
        self.spec = spec
        accumulator = try TextFitAccumulator(options: spec.options, threads: threads)
    }

    mutating func add(_ chunk: Catalog, fit: [Int], itemsFile: String) throws {
        let (documents, rejected, _) = try TextExtraction(spec: spec, threads: 1).documents(chunk, itemsFile: itemsFile)
        let fitted = fit.filter { !rejected.contains($0) }.map { documents[$0] }
        if secondPass { accumulator.countUnknown(fitted) } else { accumulator.add(fitted) }
    }

    mutating func endPass() throws -> Bool {
        guard !secondPass else { return false }
        do {
            try accumulator.chooseVocabulary()
        } catch let error as TextFitError {
            // The whole modality failed: nothing can be embedded without a vocabulary (status 4,
            // or 1 with on_error: fail, which stops at a bad item anyway). The first rejection's
            // hint leads: one hint, not the item's inside the run's.
            guard case .everyDocumentFailed(let n, let first) = error else { throw error }
            throw PipelineError(
                what: "every text input failed: no text to fit the vocabulary on: all \(n) documents were rejected, "
                    + "the first as \(first.failureClass.rawValue): \(first.source): \(first.detail)",
                hint: "\(first.hint); or remove features.text", exitCode: spec.onError == .fail ? 1 : 4)
        }
        secondPass = accumulator.needsSecondPass
        return secondPass
    }

    func state() throws -> any ModalityState { accumulator.fitted() }
}
