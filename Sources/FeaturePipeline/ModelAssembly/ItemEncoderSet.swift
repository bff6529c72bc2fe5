import Foundation
import Recommender
import TensorCore
import TextFeatures

/// The item tower's encoders for one catalog, in the tower's order: item fields, text, image, audio.
///
/// Built from the extract stage's features of that catalog and either fitted here (scalers and
/// vocabularies on `fitItems`) or taken from a saved model description, so a trained model's
/// encoders can be rebuilt over another catalog (`pipeline extract --model`).
struct ItemEncoderSet {
    var encoders: [any FeatureEncoder] = []
    var isModality: [Bool] = []
    var itemFields: TabularState?
    var text: FittedText?
    var audioScaler: FeatureScaler?

    /// States fitted elsewhere (a saved model, or a pass over a whole catalog read as a stream);
    /// nil ones are fitted here on `fitItems`.
    struct Fitted {
        var itemFields: TabularState?
        var text: FittedText?
        var audioScaler: FeatureScaler?
    }

    init(spec: PipelineSpec, catalog: Catalog, features: Safetensors.File?, fitItems: [Int], saved: ModelDescription?,
         textState: FittedText?, rng: inout SeededGenerator) throws {
        try self.init(spec: spec, catalog: catalog, features: features, fitItems: fitItems,
                  fitted: Fitted(itemFields: saved?.itemFields, text: saved?.text ?? textState, audioScaler: saved?.audioScaler),
                  rng: &rng)
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

        text = fitted.text
        if let spec = spec.features.text, let f = features, let indptr = f["text.indptr"], let indices = f["text.indices"],
            let data = f["text.data"]
        {
            let offsets = indptr.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)).map(Int.init) }
            let ids = indices.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)).map(Int.init) }
            let columns = f["text.shape"].map { e in Int(e.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int64.self) }) }
                ?? ((ids.max() ?? 0) + 1)
            encoders.append(BagEncoder(name: "text", offsets: offsets, ids: ids, weights: data.tensor().storage,
                                       vocabularySize: columns, outputDimension: spec.dim, rng: &rng))
            isModality.append(true)
        }

        if let image = spec.features.image, let pixels = features?["image.pixels"],
            let present = features?["image.present"]?.bytes.map({ $0 != 0 })
        {
            encoders.append(ImageEncoder(options: image.options, pixels: pixels.bytes, present: present, rng: &rng))
            isModality.append(true)
        }

        audioScaler = fitted.audioScaler
        if let audio = spec.features.audio, let matrix = features?["audio.features"]?.tensor(),
            let present = features?["audio.present"]?.bytes.map({ $0 != 0 })
        {
            let scaler = audioScaler ?? FeatureScaler.fit(matrix, rows: fitItems.filter { present[$0] })
            audioScaler = scaler
            encoders.append(ProjectionEncoder(name: "audio", features: scaler.apply(matrix), present: present,
                                              outputDimension: audio.dim, rng: &rng))
            isModality.append(true)
        }
        let built = Set(encoders.map(\.name))
        let missing = spec.features.modalities.filter { !built.contains($0) }
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
