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
public struct CatalogExtraction {
    public var spec: PipelineSpec
    public var run: URL?
    public var output: URL
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var quiet = false

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
        var report = LoadReport()
        let catalog = try DataLoader.loadCatalog(spec.data, report: &report)
        let cache = ItemCache(root: output.appendingPathComponent("cache"))
        var rng = SeededGenerator(seed: spec.seed, stream: "extract")
        let vectors: Tensor
        let features: CatalogFeatures
        var modalityBlocks: [(String, Tensor, [Bool])] = []
        if let run {
            let trained = try TrainedRun(directory: run)
            var trainedSpec = trained.runner.spec
            trainedSpec.data = spec.data  // the run's features and model, this file's catalog
            features = try CatalogFeatures(catalog, .init(
                spec: trainedSpec, threads: threads, cache: cache, progress: progress,
                fitItems: Set(catalog.ids.indices), fittedText: trained.description.text))
            let encoders = ItemEncoderSet(spec: trainedSpec, catalog: catalog, features: features.file,
                                          fitItems: Array(catalog.ids.indices), saved: trained.description, textState: nil, rng: &rng)
            try encoders.load(from: trained.model)
            let known = Dictionary(trained.set.itemIds.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let idRows = catalog.ids.map { id in known[id].map { trained.model.idRow(ofItem: $0) } ?? trained.model.unknownItemRow }
            vectors = trained.model.itemVectors(encoders: encoders.encoders, idRows: idRows)
            modalityBlocks = Self.blocks(encoders, count: catalog.count)
        } else {
            features = try CatalogFeatures(catalog, .init(
                spec: spec, threads: threads, cache: cache, progress: progress, fitItems: Set(catalog.ids.indices), fittedText: nil))
            let encoders = ItemEncoderSet(spec: spec, catalog: catalog, features: features.file,
                                          fitItems: Array(catalog.ids.indices), saved: nil, textState: features.fittedText, rng: &rng)
            modalityBlocks = Self.blocks(encoders, count: catalog.count)
            vectors = modalityBlocks.isEmpty ? Tensor(shape: [catalog.count, 0]) : concatenateColumns(modalityBlocks.map(\.1))
        }
        try write(vectors, blocks: modalityBlocks, catalog: catalog, failures: features.errorLines)
        return Summary(items: catalog.count, dimension: vectors.shape[1], failures: features.failures.count, usedModel: run != nil)
    }

    /// Each encoder's output for every entity (zeros where absent) and its presence.
    static func blocks(_ set: ItemEncoderSet, count: Int) -> [(String, Tensor, [Bool])] {
        set.encoders.map { encoder in
            let present = (0..<count).map { encoder.isPresent($0) }
            let rows = present.indices.filter { present[$0] }
            let encoded = encoder.infer(rows)
            let width = encoder.outputDimension
            var block = Tensor(shape: [count, width])
            for (k, r) in rows.enumerated() {
                block.storage.replaceSubrange((r * width)..<((r + 1) * width), with: encoded.storage[(k * width)..<((k + 1) * width)])
            }
            return (encoder.name, block, present)
        }
    }

    private func write(_ vectors: Tensor, blocks: [(String, Tensor, [Bool])], catalog: Catalog, failures: Data) throws {
        try NumpyFile.write(vectors, to: output.appendingPathComponent("item_embeddings.npy"))
        try AtomicFile.write(catalog.ids.joined(separator: "\n") + "\n", to: output.appendingPathComponent("item_ids.txt"))
        var entries = [Safetensors.Entry(name: "item_embeddings", tensor: vectors)]
        for (name, tensor, present) in blocks {
            entries.append(.init(name: name, tensor: tensor))
            entries.append(.init(name: "\(name).present", dtype: .uint8, shape: [present.count], bytes: present.map { $0 ? 1 : 0 }))
        }
        try Safetensors.write(entries, metadata: ["item_ids": try StageCodecs.jsonText(catalog.ids), "format": "pipeline-embeddings-1",
                                                  "source": run == nil ? "frozen-extractors" : "trained-model"],
                              to: output.appendingPathComponent("item_embeddings.safetensors"))
        try AtomicFile.write(failures, to: output.appendingPathComponent("errors.jsonl"))
    }
}
