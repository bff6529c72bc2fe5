import Foundation
import Recommender
import TensorCore

/// What the train stage assembles the model from, and the trained weights, read back.
extension RunFolder {
    /// The model's inputs: the data tables, the training split, the extracted features and, for a
    /// model fitted afresh (`fitting`), the modalities' states the extract stage fitted. A trained
    /// model brings its states in model.json, so rebuilding one reads no states.json.
    func modelAssembly(spec: PipelineSpec, fitting: Bool = true) throws -> ModelAssembly {
        let modalities = spec.features.modalities
        return ModelAssembly(spec: spec, catalog: try catalog(), users: try users(), set: try ratings(), split: try trainingSplit(),
                             features: modalities.isEmpty ? nil : try features(),
                             extractStates: !fitting || modalities.isEmpty ? [:]
                                 : ModalityStates.byModality(try read(.extractStates).states, modalities))
    }

    /// The split as training and evaluation use it: rows of skipped items set aside.
    func trainingSplit() throws -> DataSplit {
        try split().excluding(items: try skippedItems(), of: try ratings())
    }

    /// Items set aside by `on_error: skip`, as catalog indices (none before the extract stage ran).
    func skippedItems() throws -> Set<Int32> {
        guard let summary = try readIfPresent(.extractSummary) else { return [] }
        let skipped = Set(summary.skippedItems)
        let ids = try catalog().ids
        return Set(ids.indices.filter { skipped.contains(ids[$0]) }.map(Int32.init))
    }

    /// Sets every parameter of `model` from stages/train/model.safetensors.
    func loadTrainedWeights(into model: FusionModel) throws {
        let file = try Safetensors.read(url(Path.trainModelWeights))
        for p in model.allParameters {
            guard let entry = file[p.name], entry.shape == p.value.shape else {
                throw PipelineError(what: "\(Path.trainModelWeights) lacks \(p.name) or its shape differs",
                                    hint: "run again with --force to retrain")
            }
            p.value = entry.tensor()
        }
    }
}
