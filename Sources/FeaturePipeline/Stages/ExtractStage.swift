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
        key.add("catalog", try load.hash(of: RunFolder.Path.loadCatalog))
        key.add("split", split)
        key.add("media", try mediaFingerprint())
        return try stage("extract", key: key.finalize(), notes: { try extractNotes() }) {
            let (states, features) = try fitAndExtract()
            let outputs = [
                try store.write(Safetensors.encode(features.entries, metadata: features.file.metadata), to: RunFolder.Path.extractFeatures),
                try store.write(features.errorLines, to: RunFolder.Path.extractErrors),
                try store.write(ExtractSummary(modalities: features.modalities, skippedItems: features.skippedItems),
                                as: .extractSummary),
                try store.write(ModalityStates.File(ModalityStates.stored(states, spec.features.modalities)), as: .extractStates),
            ]
            return (outputs, try extractNotes())
        }
    }

    /// The fitted states and every catalog item's features: by this process alone, or with the
    /// other ranks of its group (`ExtractStage+Group`).
    private func fitAndExtract() throws -> (states: [String: any ModalityState], features: ItemFeatureSet) {
        let set = try folder.ratings(), split = try folder.split()
        let trainItems = Set(split.rows(in: .train).map { Int(set.items[$0]) })
        let engine = extractionEngine()
        var source = CatalogChunks(try folder.catalog())
        if let group, group.size > 1 { return try extractAcrossGroup(group, engine, &source, fit: trainItems.contains) }
        let states = try engine.fitStates(&source, fit: trainItems.contains, given: [:])
        var features = ItemFeatureSet()
        try engine.extract(&source, states: states) { _, _, all in features = all }
        return (states, features)
    }

    func extractionEngine() -> ExtractionEngine {
        ExtractionEngine(spec: spec, context: ExtractionContext(
            spec: spec, threads: options.threads, cache: ItemCache(root: folder.cacheDirectory), progress: progress))
    }

    func extractNotes() throws -> [String] {
        let s = try folder.read(.extractSummary)
        return s.modalities.keys.sorted().map { name in
            let m = s.modalities[name]!
            var text = spec.features.modality(named: name)?.note(m) ?? "\(name): \(m.extracted) extracted"
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
        let catalog = try folder.catalog()
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
}
