import Foundation
import NeuralNet
import Recommender
import TensorCore

/// The export stage: the run's artifacts at the root of the run folder, then manifest.json last.
///
/// item_embeddings.npy + item_ids.txt       fused item vectors, float32 [items, item_dim]
/// item_embeddings.safetensors              the same ("item_embeddings") plus each modality's encoder
///                                          output ("<modality>") and mask ("<modality>.present"),
///                                          ids in the metadata
/// model.safetensors + model.json           weights, plus the user-side inputs a reader needs
///                                          (histories, statistics, encoded user fields)
/// item_text_tfidf.safetensors            with outputs.sparse_text: the TF-IDF rows as CSR arrays
/// metrics.json, errors.jsonl, dropped_rows.jsonl, summary.json, report.html
extension PipelineRunner {
    func exportStage(_ inputs: [ArtifactStore.Record]) throws -> ArtifactStore.Record {
        var key = StageKey("export")
        key.add("outputs", spec.resolvedSection("outputs"))
        for (k, record) in inputs.enumerated() { key.add("input\(k)", record) }
        return try stage("export", key: key.finalize(), notes: { exportNotes() }) {
            let (model, description) = try folder.trainedModel(spec: spec)
            var outputs: [String] = []
            let vectors = model.itemVectors()
            let ids = description.itemIds
            if spec.outputs.embeddings.contains(.npy) {
                outputs.append(try store.write(NumpyFile.encode(vectors), to: RunFolder.Path.itemEmbeddingsNumpy))
                outputs.append(try store.write(Data((ids.joined(separator: "\n") + "\n").utf8), to: RunFolder.Path.itemIds))
            }
            if spec.outputs.embeddings.contains(.safetensors) {
                var entries = [Safetensors.Entry(name: "item_embeddings", tensor: vectors)]
                for (name, tensor) in model.modalityVectors() {
                    entries.append(.init(name: name, tensor: tensor))
                    let encoder = model.itemEncoders.first { $0.name == name }!
                    entries.append(.init(name: "\(name).present", dtype: .uint8, shape: [ids.count],
                                         bytes: (0..<ids.count).map { encoder.isPresent($0) ? 1 : 0 }))
                }
                let metadata = ["item_ids": try StageCodecs.jsonText(ids), "format": "pipeline-embeddings-1",
                                "item_dim": String(model.dimension)]
                outputs.append(try store.write(Safetensors.encode(entries, metadata: metadata), to: RunFolder.Path.itemEmbeddings))
            }
            if spec.outputs.sparseText, spec.features.text != nil {
                outputs.append(try store.write(try sparseTextFile(ids), to: RunFolder.Path.itemTextTFIDF))
            }
            outputs.append(try store.write(try modelFile(model), to: RunFolder.Path.modelWeights))
            outputs.append(try store.write(description, as: .modelDescription))
            outputs.append(try store.write(folder.bytes(RunFolder.Path.evaluateMetrics), to: RunFolder.Path.metrics))
            outputs.append(try store.write(folder.extractErrorLines(), to: RunFolder.Path.errors))
            outputs.append(try store.write(folder.bytes(RunFolder.Path.preprocessDroppedRows), to: RunFolder.Path.droppedRows))
            outputs.append(try store.write(Data(spec.resolvedYAML.utf8), to: RunFolder.Path.resolvedSpec))
            let manifest = RunManifest(pipeline: spec.name, pipelineFile: spec.file.path, seed: spec.seed, artifacts: try outputs.reduce(into: [:]) { m, path in
                let file = store.url(path)
                m[path] = .init(bytes: (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0,
                                sha256: try ContentHash.hex(fileAt: file))
            })
            outputs.append(try store.write(manifest, as: .manifest))
            return (outputs, exportNotes())
        }
    }

    func exportNotes() -> [String] {
        ["artifacts in \(store.root.path)"]
    }

    /// Weights plus the fixed inputs of both towers, so a reader outside this tool can recompute
    /// user and item vectors: CSR histories, statistics, known-id masks, encoded tabular fields
    /// (scripts/predict_numpy.py does).
    func modelFile(_ model: FusionModel) throws -> Data {
        var entries = model.allParameters.map { Safetensors.Entry(name: $0.name, tensor: $0.value) }
        let behavior = model.behavior
        var offsets: [Int32] = [0], items: [Int32] = []
        for h in behavior.history {
            items += h.map(Int32.init)
            offsets.append(Int32(items.count))
        }
        let stats = (0..<model.userCount).flatMap { u -> [Float] in let s = behavior.statistics(u); return [s.0, s.1] }
        entries += [
            Safetensors.Entry.vector("behavior.history.offsets", .int32, offsets),
            Safetensors.Entry.vector("behavior.history.items", .int32, items),
            Safetensors.Entry(name: "behavior.statistics", tensor: Tensor(shape: [model.userCount, 2], storage: stats)),
            Safetensors.Entry.vector("behavior.known_users", .uint8, behavior.knownUsers.map { $0 ? UInt8(1) : 0 }),
            Safetensors.Entry.vector("behavior.known_items", .uint8, behavior.knownItems.map { $0 ? UInt8(1) : 0 }),
        ]
        if let encoder = model.userEncoder as? TabularEncoder {
            entries += encoder.exportedInputs().map { name, tensor in Safetensors.Entry(name: "user_fields.\(name)", tensor: tensor) }
        }
        for case let encoder as TabularEncoder in model.itemEncoders {
            entries += encoder.exportedInputs().map { name, tensor in Safetensors.Entry(name: "item_fields.\(name)", tensor: tensor) }
        }
        return Safetensors.encode(entries, metadata: ["format": ModelDescription.format])
    }

    /// The items' TF-IDF rows as CSR arrays (`indptr`, `indices`, `data`, `shape`, `missing`):
    /// `scipy.sparse.csr_matrix((data, indices, indptr), shape=shape)` reads them.
    func sparseTextFile(_ ids: [String]) throws -> Data {
        let entries = try folder.features().entries.filter { $0.name.hasPrefix("text.") }.map { e in
            Safetensors.Entry(name: String(e.name.dropFirst("text.".count)), dtype: e.dtype, shape: e.shape, bytes: e.bytes)
        }
        return Safetensors.encode(entries, metadata: ["item_ids": try StageCodecs.jsonText(ids), "format": "pipeline-tfidf-csr-1"])
    }
}
