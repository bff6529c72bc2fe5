import AudioFeatures
import ImageFeatures
import Foundation
import TensorCore
import TextFeatures

/// Every configured modality's features for one catalog: what the extract stage stores and what
/// `pipeline extract` computes for any catalog.
///
/// Entries: `text.indptr/indices/data/shape/missing` (CSR bags), `audio.features` + `audio.present`.
/// Failures are collected per item and checked against each modality's `on_error`.
struct ItemFeatureSet {
    var entries: [Safetensors.Entry] = []
    var failures: [ItemFailure] = []
    var modalities: [String: ModalitySummary] = [:]
    /// Items that `on_error: skip` sets aside.
    var skippedItems: [String] = []
    var fittedText: FittedText?
    /// The first failure of each modality whose policy is `fail`.
    private var stoppingFailures: [ItemFailure] = []

    var file: Safetensors.File { Safetensors.File(entries: entries, metadata: ["format": "pipeline-features-1"]) }

    struct Context {
        var spec: PipelineSpec
        var threads: Int
        var cache: ItemCache
        var progress: ProgressReporter
        /// Items the text vocabulary is fitted on (ignored when `fittedText` is given).
        var fitItems: Set<Int>
        /// A trained model's vectorizer: transform only.
        var fittedText: FittedText?
        /// A vectorizer already built (a streamed catalog's chunks share one): transform only.
        var vectorizer: TextVectorizer? = nil
        /// Progress tasks of the whole catalog when this is one chunk of it (they are advanced,
        /// not finished, here); without one a modality gets its own task.
        var tasks: [String: ProgressTask] = [:]
        /// Whether `on_error: fail` throws here. Off in `pipeline extract`'s audio pass, which runs
        /// over the whole catalog ahead of the other modalities: the chunks of the embedding pass,
        /// taken in order, then stop at the first bad file in catalog order, as `pipeline run` does.
        var applyFailPolicy = true
        /// This catalog's audio features, already extracted (a streamed catalog's scaler pass).
        var audio: ExtractedAudio? = nil
    }

    /// Pooled audio features of a set of items: (items, width), zeros where absent, and the failures.
    struct ExtractedAudio {
        var features: Tensor
        var present: [UInt8]
        var failures: [ItemFailure]
    }

    init(_ catalog: Catalog, _ context: Context) throws {
        let spec = context.spec
        if let text = spec.features.text {
            let result = try TextExtraction(spec: text, threads: context.threads)
                .run(catalog, trainItems: context.fitItems, itemsFile: spec.data.items.path.lastPathComponent,
                     fitted: context.fittedText, vectorizer: context.vectorizer)
            entries += result.rows.safetensorsEntries(prefix: "text")
            fittedText = result.vectorizer.fitted
            record("text", text.onError, result.failures, summary: result.summary, context)
        }
        if let image = spec.features.image {
            let preprocessor = ImagePreprocessor(options: image.options)
            let result = media(catalog, context, modality: "image", column: image.field, maxBytes: image.options.maxBytes) { bytes, name in
                Data(try preprocessor.resizedImage([UInt8](bytes), source: name).pixels)
            }
            let size = image.options.height * image.options.width * 3
            var pixels = [UInt8](repeating: 0, count: catalog.count * size)
            for (i, d) in result.features.enumerated() {
                guard let d, d.count == size else { continue }
                pixels.replaceSubrange((i * size)..<((i + 1) * size), with: d)
            }
            entries.append(.init(name: "image.pixels", dtype: .uint8, shape: [catalog.count, image.options.height, image.options.width, 3],
                                 bytes: pixels))
            entries.append(Safetensors.Entry.vector("image.present", .uint8, result.features.map { $0 == nil ? UInt8(0) : 1 }))
            record("image", image.onError, result.failures, summary: result.summary(items: catalog.count), context)
        }
        if let audio = spec.features.audio, let given = context.audio {
            entries.append(.init(name: "audio.features", tensor: given.features))
            entries.append(Safetensors.Entry.vector("audio.present", .uint8, given.present))
            var summary = ModalitySummary(items: catalog.count, failed: given.failures.count)
            for f in given.failures { summary.failuresByClass[f.errorClass.rawValue, default: 0] += 1 }
            record("audio", audio.onError, given.failures, summary: summary, context)
        } else if let audio = spec.features.audio {
            let extractor = try AudioFeatureExtractor(options: audio.options)
            let result = media(catalog, context, modality: "audio", column: audio.field, maxBytes: audio.options.maxBytes) { bytes, name in
                FloatBytes.encode(try extractor.extract(bytes: bytes, name: name))
            }
            let width = extractor.outputDimension
            var matrix = Tensor(shape: [catalog.count, width])
            for (i, d) in result.features.enumerated() {
                guard let d else { continue }
                matrix.storage.replaceSubrange((i * width)..<((i + 1) * width), with: FloatBytes.decode(d))
            }
            entries.append(.init(name: "audio.features", tensor: matrix))
            entries.append(Safetensors.Entry.vector("audio.present", .uint8, result.features.map { $0 == nil ? UInt8(0) : 1 }))
            record("audio", audio.onError, result.failures, summary: result.summary(items: catalog.count), context)
        }
        skippedItems = Array(Set(skippedItems)).sorted()
        // `fail`: the first bad file in catalog order, whichever modality it belongs to (ties in
        // the order text, image, audio). Item positions are looked up only when there is one.
        if !stoppingFailures.isEmpty {
            let position = Dictionary(catalog.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let first = stoppingFailures.min { position[$0.item, default: 0] < position[$1.item, default: 0] }!
            throw PipelineError(
                what: "item \(first.item): \(first.modality) \(first.path ?? "") rejected (\(first.errorClass.rawValue)): \(first.message)",
                hint: "fix or remove the file, or set features.\(first.modality).on_error: skip or fallback")
        }
    }

    /// Runs one media modality over the catalog through the item cache, with progress.
    private func media(_ catalog: Catalog, _ context: Context, modality: String, column: String, maxBytes: Int,
                       _ extract: @escaping @Sendable (UnsafeRawBufferPointer, String) throws -> Data) -> MediaExtraction.Result {
        let spec = context.spec
        let extraction = MediaExtraction(
            modality: modality, column: column, configuration: spec.resolvedModalities[modality] ?? "", maxBytes: maxBytes,
            locator: MediaLocator(root: spec.data.mediaRoot, allowOutsideRoot: spec.data.allowOutsideRoot),
            cache: context.cache, threads: context.threads)
        if let shared = context.tasks[modality] { return extraction.run(catalog, progress: shared, extract) }
        let task = context.progress.task("extract \(modality)", total: catalog.count)
        let result = extraction.run(catalog, progress: task, extract)
        task.finish("\(result.extracted) extracted, \(result.cached) cached, \(result.failures.count) failed")
        return result
    }

    /// Files a modality's failures (in catalog order) and applies its policy; for `fail` its
    /// first failure is kept, and the run stops once every modality was extracted.
    private mutating func record(_ modality: String, _ policy: OnError, _ bad: [ItemFailure],
                                 summary: ModalitySummary, _ context: Context) {
        failures += bad
        modalities[modality] = summary
        if policy == .skip { skippedItems += bad.map(\.item) }
        if policy == .fail, context.applyFailPolicy, let first = bad.first { stoppingFailures.append(first) }
    }

    /// errors.jsonl: one JSON object per rejected item input.
    var errorLines: Data {
        Data((failures.map(\.line).joined(separator: "\n") + (failures.isEmpty ? "" : "\n")).utf8)
    }
}

extension MediaExtraction.Result {
    func summary(items: Int) -> ModalitySummary {
        var s = ModalitySummary(items: items, extracted: extracted, cached: cached, absent: absent, failed: failures.count)
        for f in failures { s.failuresByClass[f.errorClass.rawValue, default: 0] += 1 }
        return s
    }
}
