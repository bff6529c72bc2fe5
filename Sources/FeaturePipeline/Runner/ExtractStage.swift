import AudioFeatures
import Foundation
import Recommender
import TensorCore

/// The extract stage: per-modality features of every catalog item, through the per-item cache.
///
/// Outputs: stages/extract/features.safetensors ("<modality>.features", "<modality>.present"),
/// errors.jsonl (one line per rejected item), summary.json (counts per modality).
extension PipelineRunner {
    func extractStage(_ load: ArtifactStore.Record, _ split: ArtifactStore.Record) throws -> ArtifactStore.Record {
        var key = StageKey("extract")
        key.add("features", spec.resolvedSection("features"))
        key.add("catalog", try load.hash(of: RunPath.loadCatalog))
        key.add("split", split)
        key.add("media", try mediaFingerprint())
        return try stage("extract", key: key.finalize(), notes: { try extractNotes() }) {
            let set = try ratings(), split = try dataSplit()
            let trainItems = Set(split.rows(in: .train).map { Int(set.items[$0]) })
            let engine = ExtractionEngine(spec: spec, context: ExtractionContext(
                spec: spec, threads: options.threads, cache: ItemCache(root: store.cacheDirectory), progress: progress))
            var source = CatalogChunks(try catalog())
            let states = try engine.fitStates(&source, fit: trainItems.contains, given: [:])
            var features = ItemFeatureSet()
            try engine.extract(&source, states: states) { _, _, all in features = all }
            let outputs = [
                try store.write(Safetensors.encode(features.entries, metadata: features.file.metadata), to: RunPath.extractFeatures),
                try store.write(features.errorLines, to: RunPath.extractErrors),
                try store.writeJSON(ExtractSummary(modalities: features.modalities, skippedItems: features.skippedItems),
                                    to: RunPath.extractSummary),
                try store.writeJSON(ModalityStates.File(ModalityStates.stored(states, spec.features.modalities)),
                                    to: RunPath.extractStates),
            ]
            return (outputs, try extractNotes())
        }
    }

    func extractNotes() throws -> [String] {
        let s = try store.readJSON(ExtractSummary.self, from: RunPath.extractSummary)
        return s.modalities.keys.sorted().map { name in
            let m = s.modalities[name]!
            var text = spec.features.modalities.first { $0.name == name }?.note(m) ?? "\(name): \(m.extracted) extracted"
            if m.failed > 0 { text += ", \(m.failed) failed (" + m.failuresByClass.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")" }
            if m.absent > 0 { text += ", \(m.absent) without" }
            return text
        } + (s.skippedItems.isEmpty ? [] : ["\(s.skippedItems.count) items skipped (on_error: skip)"])
    }

    var locator: MediaLocator {
        MediaLocator(root: spec.data.mediaRoot, allowOutsideRoot: spec.data.allowOutsideRoot)
    }

    /// A hash of every referenced media file's bytes, so that a changed file changes the key
    /// while touched timestamps do not.
    func mediaFingerprint() throws -> String {
        let catalog = try self.catalog()
        var h = ContentHash()
        for column in spec.features.modalities.compactMap(\.mediaColumn) {
            guard let c = catalog.columnIndex(column) else { continue }
            for item in 0..<catalog.count {
                guard let value = catalog.value(item: item, column: c), !value.isEmpty else { continue }
                h.field(value)
                if let url = try? locator.locate(value).url, let digest = try? ContentHash.hex(fileAt: url) { h.field(digest) }
            }
        }
        return h.finalize()
    }

    /// Items set aside by `on_error: skip`, as catalog indices.
    func skippedItems() throws -> Set<Int32> {
        let url = store.url(RunPath.extractSummary)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let ids = Set(try store.readJSON(ExtractSummary.self, from: RunPath.extractSummary).skippedItems)
        return Set(try catalog().ids.indices.filter { ids.contains(try catalog().ids[$0]) }.map(Int32.init))
    }

    /// The extract stage's features, read back.
    func features() throws -> Safetensors.File {
        if let f = featuresMemo { return f }
        featuresMemo = try Safetensors.read(store.url(RunPath.extractFeatures))
        return featuresMemo!
    }
}
