import Foundation
import Recommender

/// The run folder's JSON documents, each named once with the type it decodes to, so a reader
/// writes `folder.read(.splitSummary)` and the store `store.write(summary, as: .splitSummary)`.
extension RunFolder {
    struct Document<Value: Codable> {
        let path: String
    }

    /// The document; an error naming the file when it is missing or does not decode.
    func read<T>(_ document: Document<T>) throws -> T { try decode(document, from: bytes(document.path)) }

    /// The document from bytes already read (the caller also hashes them, say).
    func decode<T>(_ document: Document<T>, from data: Data) throws -> T {
        do {
            return try StableJSON.decode(T.self, from: data, userInfo: [.modalities: modalities])
        } catch {
            throw PipelineError(what: "\(url(document.path).path) is not readable: \(Self.describe(error))",
                                hint: "the run may come from another version of pipeline; run the pipeline again")
        }
    }

    /// The document, or nil when the run did not write it (it stopped earlier, or the pipeline
    /// has no such section).
    func readIfPresent<T>(_ document: Document<T>) throws -> T? {
        exists(document.path) ? try read(document) : nil
    }

    /// The pipeline the run came from: pipeline.resolved.yaml, whose relative paths start at the
    /// folder of the file the manifest names.
    func resolvedSpec(_ manifest: RunManifest) throws -> PipelineSpec {
        let yaml = try String(contentsOf: url(Path.resolvedSpec), encoding: .utf8)
        return try PipelineSpec.parse(yaml, file: URL(fileURLWithPath: manifest.pipelineFile), modalities: modalities)
    }

    /// Where the folder's last run got to (run_state.json), nil before any run recorded it.
    var state: RunState? { RunState.read(root) }

    /// "interrupted in train (epoch 7 done); …", nil when the last run completed.
    var stateDescription: String? { RunState.describe(root) }

    /// stages/extract/errors.jsonl: a JSON line per rejected item file (empty when absent).
    func extractErrorLines() -> Data { (try? bytes(Path.extractErrors)) ?? Data() }

    /// The records of stages/extract/errors.jsonl.
    func extractFailures() throws -> [ItemFailure] {
        let decoder = JSONDecoder()
        return try String(decoding: extractErrorLines(), as: UTF8.self).split(separator: "\n").map {
            try decoder.decode(ItemFailure.self, from: Data($0.utf8))
        }
    }

    /// The rejected files as the report lists them: the exported errors.jsonl, else the extract
    /// stage's (a run that stopped before export); empty when neither exists.
    func rejectedFileLines() -> Data {
        [Path.errors, Path.extractErrors].lazy.compactMap { try? self.bytes($0) }.first ?? Data()
    }

    /// A decoding error as one line: what is wrong and where in the document.
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)' at \(path(c.codingPath))"
        @unknown default: return "\(error)"
        }
        return "\(context.debugDescription) at \(path(context.codingPath))"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

extension RunFolder.Document where Value == LoadSummary { static var loadSummary: Self { .init(path: RunFolder.Path.loadSummary) } }
extension RunFolder.Document where Value == PreprocessReport {
    static var preprocessSummary: Self { .init(path: RunFolder.Path.preprocessSummary) }
}
extension RunFolder.Document where Value == SplitSummary { static var splitSummary: Self { .init(path: RunFolder.Path.splitSummary) } }
extension RunFolder.Document where Value == ExtractSummary {
    static var extractSummary: Self { .init(path: RunFolder.Path.extractSummary) }
}
extension RunFolder.Document where Value == TrainSummary { static var trainSummary: Self { .init(path: RunFolder.Path.trainSummary) } }
extension RunFolder.Document where Value == ModalityStates.File {
    static var extractStates: Self { .init(path: RunFolder.Path.extractStates) }
}
extension RunFolder.Document where Value == ModelDescription {
    static var trainModelDescription: Self { .init(path: RunFolder.Path.trainModelDescription) }
    static var modelDescription: Self { .init(path: RunFolder.Path.modelDescription) }
}
extension RunFolder.Document where Value == MetricsDocument {
    static var evaluateMetrics: Self { .init(path: RunFolder.Path.evaluateMetrics) }
    static var metrics: Self { .init(path: RunFolder.Path.metrics) }
}
extension RunFolder.Document where Value == RunManifest { static var manifest: Self { .init(path: RunFolder.Path.manifest) } }
extension RunFolder.Document where Value == RunSummary { static var summary: Self { .init(path: RunFolder.Path.summary) } }
