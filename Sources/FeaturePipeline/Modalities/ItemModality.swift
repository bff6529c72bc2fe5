import Foundation
import Recommender
import TensorCore

/// One kind of item content (text, image, audio, …): its section under `features:`, how each
/// item's features are extracted, and the encoder the item tower gets from them.
///
/// A configured modality is a value of a type conforming to this protocol; the types the pipeline
/// knows are listed in a `ModalityRegistry`. Nothing else in the pipeline names a modality: the
/// extraction engine, the extract stage, the model assembly, model.json, `pipeline extract` and the
/// report all go through these requirements. Tensors are stored as `<name>.<tensor>`.
protocol ItemModality: Sendable {
    /// The key under `features:`, the prefix of its tensors, its encoder's name and its summary's.
    static var name: String { get }
    /// The section's line in the reference.
    static var summary: String { get }
    /// Reads the section; problems go to the reader's diagnostics.
    static func read(_ r: MappingReader) -> Self
    /// The key of its fitted state in model.json, and the state's type (nil: it fits nothing).
    static var state: (key: String, type: any ModalityState.Type)? { get }

    var onError: OnError { get }
    /// "an image", "a sound": how messages speak of one item's input.
    var inputNoun: String { get }
    /// Columns of the items file it reads: (column, what it holds, the key naming it).
    var columns: [(name: String, role: String, key: String)] { get }
    /// The column naming a media file (whose bytes then enter the extract stage's key), or nil.
    var mediaColumn: String? { get }
    /// Throws when a column it needs is missing from the items file (`columns`: every column of
    /// the whole file); a missing media column only makes every item's input absent.
    func checkColumns(_ columns: [String], itemsFile: String) throws
    /// The start of its line in the extract stage's notes ("image: 12 extracted, 3 cached").
    func note(_ summary: ModalitySummary) -> String
    /// Tensors every extraction writes and `encoder` needs (without the `<name>.` prefix).
    var requiredTensors: [String] { get }

    /// What must see every fitted item before anything is extracted (text: vocabulary and idf),
    /// or nil when the modality extracts without a fitted state.
    func makeFitter(threads: Int) throws -> (any ModalityFitter)?
    /// What extraction needs, built once from the fitter's (or a trained model's) state: the
    /// text vectorizer's tables. Default: nothing.
    func prepare(_ state: (any ModalityState)?) throws -> (any Sendable)?
    /// Extracts one chunk of the catalog with what `prepare` built.
    func extract(_ chunk: Catalog, prepared: (any Sendable)?, _ context: ExtractionContext) throws -> ModalityOutput
    /// Tensors of consecutive parts of a catalog (each part's `extract` output, in order) as those
    /// of the whole (default: each tensor's rows one part after another).
    func joinedTensors(_ parts: [[Safetensors.Entry]]) -> [Safetensors.Entry]
    /// For a modality whose `encoder` fits its state on the extracted features (audio: its
    /// scaler): the same fit over chunks seen in order, which a streamed catalog runs in a pass
    /// of its own over every item. Nil for the others.
    func makeFeatureFitter() -> (any FeatureFitter)?
    /// The item tower's encoder over the extracted `tensors` of `count` items, and its state:
    /// `state` when given, else fitted on `fitItems` (the text state comes from the fitter).
    func encoder(_ tensors: ModalityTensors, count: Int, state: (any ModalityState)?, fitItems: [Int],
                 rng: inout SeededGenerator) throws -> (encoder: any FeatureEncoder, state: (any ModalityState)?)
}

extension ItemModality {
    var name: String { Self.name }
    var mediaColumn: String? { nil }
    func makeFeatureFitter() -> (any FeatureFitter)? { nil }
    func checkColumns(_ columns: [String], itemsFile: String) throws {}
    func note(_ summary: ModalitySummary) -> String { "\(name): \(summary.extracted) extracted, \(summary.cached) cached" }
    func makeFitter(threads: Int) throws -> (any ModalityFitter)? { nil }
    func prepare(_ state: (any ModalityState)?) throws -> (any Sendable)? { nil }
    static var state: (key: String, type: any ModalityState.Type)? { nil }

    /// Each tensor's rows (its first axis, the items) one part after another.
    func joinedTensors(_ parts: [[Safetensors.Entry]]) -> [Safetensors.Entry] {
        parts[0].indices.map { k in
            var joined = parts[0][k]
            let pieces = parts.map { $0[k] }
            precondition(pieces.allSatisfy { $0.name == joined.name && $0.shape.dropFirst() == joined.shape.dropFirst() },
                         "the parts of \(joined.name) differ: \(pieces.map { "\($0.name) \($0.shape)" })")
            joined.shape[0] = pieces.reduce(0) { $0 + $1.shape[0] }
            joined.bytes = Array(pieces.map(\.bytes).joined())
            return joined
        }
    }
}

/// What a modality learns once for a catalog and reuses for every item (a vocabulary, a scaler):
/// stored in model.json under the modality's state key.
protocol ModalityState: Codable, Sendable {}

/// Learns a modality's state from the items it is fitted on, seen chunk by chunk in catalog order,
/// in as many passes over the same chunks as it asks for.
protocol ModalityFitter {
    /// `fit` lists the chunk's items (indices within the chunk) the state is fitted on.
    mutating func add(_ chunk: Catalog, fit: [Int], itemsFile: String) throws
    /// Ends a pass; true when the fitter needs another pass over the same chunks.
    mutating func endPass() throws -> Bool
    func state() throws -> any ModalityState
}

/// Fits a modality's encoder state on its extracted tensors, chunk by chunk in catalog order.
protocol FeatureFitter {
    mutating func add(_ tensors: ModalityTensors)
    func state() -> any ModalityState
}

/// A modality's tensors of one catalog, looked up without its `<name>.` prefix.
struct ModalityTensors {
    let modality: String
    let file: Safetensors.File

    subscript(_ tensor: String) -> Safetensors.Entry? { file["\(modality).\(tensor)"] }

    /// The presence bytes (`<name>.present`) as flags.
    var present: [Bool]? { self["present"]?.bytes.map { $0 != 0 } }
}

/// One modality's result over one chunk: its tensors, its rejected items and its counts.
struct ModalityOutput {
    var entries: [Safetensors.Entry]
    var failures: [ItemFailure]
    var summary: ModalitySummary
}

/// What every modality's extraction of a chunk shares.
struct ExtractionContext {
    var threads: Int
    var cache: ItemCache
    var locator: MediaLocator
    /// The items file's name, for messages.
    var itemsFile: String
    /// Resolved YAML of each modality's section: part of every item's cache key.
    var configuration: [String: String]
    var progress: ProgressReporter
    /// Progress tasks spanning the whole catalog when extraction runs chunk by chunk (advanced,
    /// not finished, by a chunk); a modality without one gets its own task per extraction.
    var tasks: [String: ProgressTask] = [:]

    init(spec: PipelineSpec, threads: Int, cache: ItemCache, progress: ProgressReporter) {
        self.threads = threads
        self.cache = cache
        locator = MediaLocator(root: spec.data.mediaRoot, allowOutsideRoot: spec.data.allowOutsideRoot)
        itemsFile = spec.data.items.path.lastPathComponent
        configuration = spec.resolvedModalities
        self.progress = progress
    }
}

extension ModalitySummary {
    /// "12 extracted, 3 cached, 1 failed": the end of a modality's progress line.
    var progressLine: String { "\(extracted) extracted, \(cached) cached, \(failed) failed" }

    mutating func add(_ other: ModalitySummary) {
        items += other.items
        extracted += other.extracted
        cached += other.cached
        absent += other.absent
        failed += other.failed
        for (k, v) in other.failuresByClass { failuresByClass[k, default: 0] += v }
    }
}
