import Foundation
import Recommender
import TensorCore

/// The item tower's encoders for one catalog, in the tower's order: item fields, then each
/// configured modality in the registry's order.
///
/// Built from the extracted features of that catalog, with each modality's state either given (a
/// saved model, a pass over a whole streamed catalog, the extract stage's fitted text) or fitted
/// here on `fitItems`, so a trained model's encoders can be rebuilt over another catalog
/// (`pipeline extract --model`).
struct ItemEncoderSet {
    var encoders: [any FeatureEncoder] = []
    /// Whether each encoder is a modality's (the tower masks modalities, not item fields).
    var isModality: [Bool] = []
    var itemFields: TabularState?
    /// Each modality's state, by modality name.
    var states: [String: any ModalityState] = [:]

    /// States fitted elsewhere; nil or absent ones are fitted here on `fitItems`.
    struct Fitted {
        var itemFields: TabularState?
        var states: [String: any ModalityState] = [:]
    }

    /// Throws when a configured modality's tensors are missing from `features`: the model would
    /// otherwise be built without that modality, silently.
    init(spec: PipelineSpec, catalog: Catalog, features: Safetensors.File?, fitItems: [Int], fitted: Fitted, rng: inout SeededGenerator) throws {
        itemFields = fitted.itemFields
        if itemFields != nil || !spec.features.itemFields.isEmpty {
            let column = { (name: String) -> [String?] in catalogColumn(catalog, name) }
            let state = itemFields ?? TabularState.fit(fields: spec.features.itemFields, column: column, fitRows: fitItems)
            itemFields = state
            encoders.append(TabularEncoder(name: "item_fields", state: state, entityCount: catalog.count, column: column, rng: &rng))
            isModality.append(false)
        }
        let file = features ?? Safetensors.File(entries: [])
        var missing: [String] = []
        for m in spec.features.modalities {
            let tensors = ModalityTensors(modality: m.name, file: file)
            guard m.requiredTensors.allSatisfy({ tensors[$0] != nil }) else {
                missing.append(m.name)
                continue
            }
            let (encoder, state) = try m.encoder(tensors, count: catalog.count, state: fitted.states[m.name], fitItems: fitItems, rng: &rng)
            encoders.append(encoder)
            isModality.append(true)
            states[m.name] = state
        }
        guard missing.isEmpty else {
            throw PipelineError(what: "the extracted features have no tensors for \(missing.joined(separator: ", ")), which the pipeline configures",
                                hint: "run `pipeline run` with --force to extract them again")
        }
    }

    /// Copies trained weights into these encoders, parameter by parameter (same names and shapes).
    func load(from model: FusionModel) throws {
        let trained = Dictionary(model.allParameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for p in encoders.flatMap(\.parameters) {
            guard let source = trained[p.name], source.value.shape == p.value.shape else {
                throw PipelineError(what: "the trained model has no parameter \(p.name) of shape \(p.value.shape)",
                                    hint: "extract with the pipeline file the model was trained with")
            }
            p.value = source.value
        }
    }
}

extension ModelDescription {
    /// The states `ItemEncoderSet` takes, by modality name.
    func fitted(_ spec: PipelineSpec) -> ItemEncoderSet.Fitted {
        .init(itemFields: itemFields, states: ModalityStates.byModality(states, spec.features.modalities))
    }
}
