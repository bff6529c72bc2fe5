import AudioFeatures
import Foundation
import Recommender
import TensorCore

/// The extract stage: per-modality features of every catalog item, through the per-item cache.
///
/// Outputs: stages/extract/features.safetensors ("<modality>.features", "<modality>.present"),
/// errors.jsonl (one line per rejected item), summary.json (counts per modality).
extension PipelineRunner {
    struct ModalitySummary: Codable, Equatable {
        var items = 0, extracted = 0, cached = 0, absent = 0, failed = 0
        var failuresByClass: [String: Int] = [:]

        enum CodingKeys: String, CodingKey {
            case items, extracted, cached, absent, failed, failuresByClass = "failures_by_class"
        }
    }

    struct ExtractSummary: Codable {
        var modalities: [String: ModalitySummary]
        /// Items left out of training and evaluation by `on_error: skip`.
        var skippedItems: [String] = []

        enum CodingKeys: String, CodingKey { case modalities, skippedItems = "skipped_items" }
    }

    func extractStage(_ load: ArtifactStore.Record, _ split: ArtifactStore.Record) throws -> ArtifactStore.Record {
        var key = StageKey("extract")
        key.add("features", spec.resolvedSection("features"))
        key.add("catalog", load.outputs["stages/load/catalog.safetensors"]!.sha256)
        key.add("split", split)
        key.add("media", try mediaFingerprint())
        return try stage("extract", key: key.finalize(), notes: { try extractNotes() }) {
            let catalog = try self.catalog()
            var entries: [Safetensors.Entry] = []
            var failures: [ItemFailure] = []
            var summary = ExtractSummary(modalities: [:])
            var extraOutputs: [String] = []
            if let text = spec.features.text {
                let set = try ratings(), split = try dataSplit()
                let trainItems = Set(split.rows(in: .train).map { Int(set.items[$0]) })
                let result = try TextExtraction(spec: text, threads: options.threads)
                    .run(catalog, trainItems: trainItems, itemsFile: spec.data.items.path.lastPathComponent)
                entries += result.rows.safetensorsEntries(prefix: "text")
                extraOutputs.append(try store.write(try result.vectorizer.fitted.jsonData(), to: "stages/extract/text_model.json"))
                failures += result.failures
                summary.modalities["text"] = result.summary
                try enforce(text.onError, result.failures)
                if text.onError == .skip { summary.skippedItems += result.failures.map(\.item) }
            }
            if let audio = spec.features.audio {
                let extractor = try AudioFeatureExtractor(options: audio.options)
                let media = MediaExtraction(
                    modality: "audio", column: audio.field, configuration: spec.resolvedModalities["audio"] ?? "",
                    maxBytes: audio.options.maxBytes, locator: locator, cache: ItemCache(root: store.cacheDirectory),
                    threads: options.threads)
                let task = progress.task("extract audio", total: catalog.count)
                let result = media.run(catalog, progress: task) { bytes, name in
                    FloatBytes.encode(try extractor.extract(bytes: bytes, name: name))
                }
                task.finish("\(result.extracted) extracted, \(result.cached) cached, \(result.failures.count) failed")
                let width = extractor.outputDimension
                var matrix = Tensor(shape: [catalog.count, width])
                for (i, d) in result.features.enumerated() {
                    guard let d else { continue }
                    matrix.storage.replaceSubrange((i * width)..<((i + 1) * width), with: FloatBytes.decode(d))
                }
                entries.append(.init(name: "audio.features", tensor: matrix))
                entries.append(StageCodecs.bytesEntry("audio.present", .uint8, result.features.map { $0 == nil ? UInt8(0) : 1 }))
                failures += result.failures
                summary.modalities["audio"] = modalitySummary(result, items: catalog.count)
                try enforce(audio.onError, result.failures)
                if audio.onError == .skip { summary.skippedItems += result.failures.map(\.item) }
            }
            summary.skippedItems = Array(Set(summary.skippedItems)).sorted()
            let lines = failures.map(\.line).joined(separator: "\n") + (failures.isEmpty ? "" : "\n")
            let outputs = [
                try store.write(Safetensors.encode(entries, metadata: ["format": "pipeline-features-1"]), to: "stages/extract/features.safetensors"),
                try store.write(Data(lines.utf8), to: "stages/extract/errors.jsonl"),
                try store.writeJSON(summary, to: "stages/extract/summary.json"),
            ] + extraOutputs
            return (outputs, try extractNotes())
        }
    }

    func extractNotes() throws -> [String] {
        let s = try store.readJSON(ExtractSummary.self, from: "stages/extract/summary.json")
        return s.modalities.keys.sorted().map { name in
            let m = s.modalities[name]!
            var text = name == "text" ? "text: \(m.items) documents tokenized" : "\(name): \(m.extracted) extracted, \(m.cached) cached"
            if m.failed > 0 { text += ", \(m.failed) failed (" + m.failuresByClass.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")" }
            if m.absent > 0 { text += ", \(m.absent) without" }
            return text
        } + (s.skippedItems.isEmpty ? [] : ["\(s.skippedItems.count) items skipped (on_error: skip)"])
    }

    var locator: MediaLocator {
        MediaLocator(root: spec.data.mediaRoot, allowOutsideRoot: spec.data.allowOutsideRoot)
    }

    private func modalitySummary(_ r: MediaExtraction.Result, items: Int) -> ModalitySummary {
        var s = ModalitySummary(items: items, extracted: r.extracted, cached: r.cached, absent: r.absent, failed: r.failures.count)
        for f in r.failures { s.failuresByClass[f.errorClass.rawValue, default: 0] += 1 }
        return s
    }

    /// `on_error: fail` stops at the first bad item in catalog order.
    private func enforce(_ policy: OnError, _ failures: [ItemFailure]) throws {
        guard policy == .fail, let first = failures.first else { return }
        throw PipelineError(
            what: "item \(first.item): \(first.modality) \(first.path ?? "") rejected (\(first.errorClass.rawValue)): \(first.message)",
            hint: "fix or remove the file, or set features.\(first.modality).on_error: skip or fallback")
    }

    /// A hash of every referenced media file's bytes, so that a changed file changes the key
    /// while touched timestamps do not.
    func mediaFingerprint() throws -> String {
        let catalog = try self.catalog()
        var h = SHA256()
        for column in [spec.features.audio?.field].compactMap({ $0 }) {
            guard let c = catalog.columnIndex(column) else { continue }
            for item in 0..<catalog.count {
                guard let value = catalog.value(item: item, column: c), !value.isEmpty else { continue }
                h.field(value)
                if let url = try? locator.locate(value), let digest = try? SHA256.hex(fileAt: url) { h.field(digest) }
            }
        }
        return h.finalize()
    }

    /// Items set aside by `on_error: skip`, as catalog indices.
    func skippedItems() throws -> Set<Int32> {
        let url = store.url("stages/extract/summary.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let ids = Set(try store.readJSON(ExtractSummary.self, from: "stages/extract/summary.json").skippedItems)
        return Set(try catalog().ids.indices.filter { ids.contains(try catalog().ids[$0]) }.map(Int32.init))
    }

    /// The extract stage's features, read back.
    func features() throws -> Safetensors.File {
        if let f = featuresMemo { return f }
        featuresMemo = try Safetensors.read(store.url("stages/extract/features.safetensors"))
        return featuresMemo!
    }
}
