import Foundation
import Recommender
import TensorCore

/// `pipeline extract`: item embeddings for every item of a catalog, without training.
///
/// With a trained run, the run's encoders (its vocabulary, scalers and trained weights) and its
/// item tower give each item its fused vector; items the run never saw get the unknown-item row,
/// so new items with content are embedded from their content. Without a run, the extractors run
/// with seeded, frozen weights (text bag, audio projection, item fields) fitted on the whole
/// catalog, and an item's vector is their concatenation (zeros where a modality is missing).
///
/// The catalog is streamed: `StreamedFit` learns what needs the whole catalog in passes that keep
/// only counts, then the extraction engine extracts chunks of `chunkSize` items in parallel
/// (`threads` workers, BLAS on one thread each), which are encoded and appended to the output
/// files (`EmbeddingFiles`), so memory does not grow with the number of items.
public struct OfflineExtraction {
    public var spec: PipelineSpec
    public var run: URL?
    public var output: URL
    /// A fit folder (`pipeline fit`) whose states are used instead of fitting on the catalog.
    public var fit: URL?
    /// The one shard to extract, written as a part folder (`part-I-of-N`) inside `output`.
    public var shard: Shard?
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var quiet = false
    /// Items per chunk; a multiple of the fused model's inference batch (2048) keeps its batches.
    var chunkSize = ItemsFileChunks.defaultSize

    public init(spec: PipelineSpec, run: URL?, output: URL) {
        self.spec = spec
        self.run = run
        self.output = output
    }

    public struct Summary: Sendable {
        public var items: Int
        public var dimension: Int
        public var failures: Int
        public var usedModel: Bool
    }

    public func execute() throws -> Summary {
        let progress = ProgressReporter.automatic(quiet: quiet)
        let source = try ExtractionSource(spec: spec, run: run, fit: fit, shard: shard)
        let featureSpec = source.spec
        var engine = ExtractionEngine(spec: featureSpec, context: ExtractionContext(
            spec: featureSpec, threads: threads, cache: ItemCache(root: output.appendingPathComponent("cache")), progress: progress))
        var chunks = ItemsFileChunks(data: spec.data, size: chunkSize)
        chunks.keeps = shard.map { shard in { shard.holds($0) } }
        let target = shard.map { output.appendingPathComponent($0.folderName) } ?? output
        if shard != nil { try? FileManager.default.removeItem(at: target.appendingPathComponent(PartManifest.file)) }
        let fit = try StreamedFit(spec: featureSpec, given: source.given, engine: engine, chunks: &chunks, output: target)
        // Media read by the fit's own pass (audio's scaler) are read back, not extracted again.
        for m in featureSpec.features.modalities where m.mediaColumn != nil && fit.spill?.holds(m.name) != true {
            engine.context.tasks[m.name] = progress.task("extract \(m.name)", total: fit.keptItems)
        }
        let files = try EmbeddingFiles(output: target)
        var counts: [String: ModalitySummary] = [:]
        var failureCount = 0
        let embed = { (chunk: Catalog, features: ItemFeatureSet) throws in
            try embedChunk(chunk, features, source: source, fit: fit, files: files)
            for (modality, s) in features.modalities { counts[modality, default: ModalitySummary()].add(s) }
            failureCount += features.failures.count
        }
        var metadata = ["format": "pipeline-embeddings-1", "source": source.kind]
        if let shard {
            // A shard's states are given or need no catalog, so nothing was spilled by chunk index.
            precondition(fit.spill == nil, "a shard fitted on features")
            let rows = try PartRows(folder: target)
            let rowLog = chunks.rows
            try engine.extract(&chunks, states: fit.fitted.states, spill: fit.spill) { chunk, _, features in
                try embed(chunk, features)
                try rows.append(rows: rowLog.current, ids: chunk.ids, failures: features.failures)
                FreePages.returnToSystem()
            }
            try files.commit(metadata: metadata)
            try rows.commit()
            try PartManifest(shard: shard, source: source, spec: spec, catalogItems: fit.items, files: files)
                .write(to: target)
        } else {
            try engine.extract(&chunks, states: fit.fitted.states, spill: fit.spill) { chunk, _, features in
                try embed(chunk, features)
            }
            metadata["item_ids"] = try StageCodecs.jsonText(fit.ids)
            try files.commit(metadata: metadata)
        }
        for m in featureSpec.features.modalities {
            engine.context.tasks[m.name]?.finish((counts[m.name] ?? ModalitySummary()).progressLine)
        }
        return Summary(items: files.rows, dimension: source.trained?.model.dimension ?? files.dimension ?? 0,
                       failures: failureCount, usedModel: run != nil)
    }

    /// Encodes one chunk's features into its items' vectors and appends them to `files`.
    private func embedChunk(_ chunk: Catalog, _ features: ItemFeatureSet, source: ExtractionSource, fit: StreamedFit,
                            files: EmbeddingFiles) throws {
        var chunkRng = SeededGenerator(seed: spec.seed, stream: "extract")  // every chunk's frozen encoders get the same weights
        let encoders = try ItemEncoderSet(spec: source.spec, catalog: chunk, features: features.file, fitItems: [],
                                          fitted: fit.fitted, rng: &chunkRng)
        if let trained = source.trained { try encoders.load(from: trained.model) }
        let blocks = Self.blocks(encoders, count: chunk.count, threads: threads)
        let vectors: Tensor
        if let trained = source.trained {
            vectors = trained.extractedVectors(encoders.encoders, ids: chunk.ids)
        } else {
            vectors = blocks.isEmpty ? Tensor(shape: [chunk.count, 0]) : concatenateColumns(blocks.map(\.1))
        }
        try files.append(ids: chunk.ids, vectors: vectors, blocks: blocks, failures: features.failures,
                         modalities: source.spec.features.modalityNames)
    }

    /// Each encoder's output for every entity (zeros where absent) and its presence. A cheap
    /// encoder infers at least `batch` rows (`FullBatchEncoder`), so an item's vector does not
    /// depend on which items share its chunk or shard (docs/scale-out.md). A costly
    /// encoder (`PartitionedInference`: the conv stack) runs on `threads` contiguous parts of the
    /// rows at once; each part holds an even number of rows, so the stack's groups of two are
    /// those of one pass.
    static func blocks(_ set: ItemEncoderSet, count: Int, threads: Int = 1,
                       batch: Int = ItemsFileChunks.defaultSize) -> [(String, Tensor, [Bool])] {
        set.encoders.map { encoder in
            let present = (0..<count).map { encoder.isPresent($0) }
            let rows = present.indices.filter { present[$0] }
            let encoded: Tensor
            if let costly = encoder as? any PartitionedInference, threads > 1, rows.count >= 4 * threads {
                let step = (rows.count / threads + 1) & ~1
                let parts = stride(from: 0, to: rows.count, by: step).map { Array(rows[$0..<min(rows.count, $0 + step)]) }
                let frozen = costly.frozen()  // a Sendable snapshot the threads share
                let outputs = parallelMap(count: parts.count, threads: threads) { frozen.infer(parts[$0]) }
                encoded = Tensor(shape: [rows.count, encoder.outputDimension], storage: outputs.flatMap(\.storage))
            } else if encoder is any PartitionedInference {
                encoded = encoder.infer(rows)
            } else {
                encoded = FullBatchEncoder(encoder, batch: batch).infer(rows)
            }
            let width = encoder.outputDimension
            var block = Tensor(shape: [count, width])
            for (k, r) in rows.enumerated() {
                block.storage.replaceSubrange((r * width)..<((r + 1) * width), with: encoded.storage[(k * width)..<((k + 1) * width)])
            }
            return (encoder.name, block, present)
        }
    }
}
