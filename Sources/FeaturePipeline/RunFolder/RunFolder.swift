import Foundation
import Recommender
import TensorCore
import TextFeatures

/// A run folder: where every artifact of `pipeline run` lives, and a typed reader for each.
///
/// Layout: the exported artifacts at the root (listed in ExportStage), each stage's outputs
/// under `stages/<name>/` with its record.json (ArtifactStore), per-item features under
/// `cache/`, run_state.json and the `.lock` beside them. The stages write through
/// `ArtifactStore`; whatever reads a run back (later stages, TrainedRun, the report) reads here.
/// The data tables are decoded once and kept; a stage that has just produced one hands it over
/// (`keep`), so a run reads back only what earlier, skipped stages left on disk.
final class RunFolder {
    let root: URL
    /// The modality types the run's pipeline file, model.json and fitted states are read with.
    let modalities: ModalityRegistry

    init(root: URL, modalities: ModalityRegistry = .standard) {
        self.root = root
        self.modalities = modalities
    }

    /// The relative path of every file a run writes, named once (file names are part of the
    /// stage records and of the folder's format: never rename one).
    enum Path {
        static let loadCatalog = "stages/load/catalog.safetensors"
        static let loadInteractions = "stages/load/interactions.safetensors"
        static let loadItemIds = "stages/load/item_ids.txt"
        static let loadSummary = "stages/load/summary.json"
        static let loadUsers = "stages/load/users.safetensors"
        static let preprocessDroppedRows = "stages/preprocess/dropped_rows.jsonl"
        static let preprocessRatings = "stages/preprocess/ratings.safetensors"
        static let preprocessSummary = "stages/preprocess/summary.json"
        static let splitParts = "stages/split/split.safetensors"
        static let splitSummary = "stages/split/summary.json"
        static let extractErrors = "stages/extract/errors.jsonl"
        static let extractFeatures = "stages/extract/features.safetensors"
        static let extractSummary = "stages/extract/summary.json"
        static let extractStates = "stages/extract/states.json"
        static let trainCheckpoint = "stages/train/checkpoint"
        static let trainModelDescription = "stages/train/model.json"
        static let trainModelWeights = "stages/train/model.safetensors"
        static let trainSummary = "stages/train/summary.json"
        static let evaluateMetrics = "stages/evaluate/metrics.json"
        // The exported artifacts (ExportStage), then what every run writes at the root.
        static let itemEmbeddingsNumpy = "item_embeddings.npy"
        static let itemIds = "item_ids.txt"
        static let itemEmbeddings = "item_embeddings.safetensors"
        static let itemTextTFIDF = "item_text_tfidf.safetensors"
        static let modelWeights = "model.safetensors"
        static let modelDescription = "model.json"
        static let metrics = "metrics.json"
        static let errors = "errors.jsonl"
        static let droppedRows = "dropped_rows.jsonl"
        static let resolvedSpec = "pipeline.resolved.yaml"
        static let manifest = "manifest.json"
        static let summary = "summary.json"
    }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    var cacheDirectory: URL { url("cache") }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative).path) }

    func bytes(_ relative: String) throws -> Data { try Data(contentsOf: url(relative)) }

    // MARK: The data tables, decoded once

    private var keptCatalog: Catalog?
    /// `.some(nil)`: read, and the pipeline has no users table.
    private var keptUsers: Catalog??
    private var keptLog: InteractionLog?
    private var keptRatings: RatingSet?
    private var keptSplit: DataSplit?
    private var keptFeatures: Safetensors.File?
    private var keptModel: (FusionModel, ModelDescription)?

    /// What the load stage just wrote.
    func keep(_ catalog: Catalog, users: Catalog?, log: InteractionLog) {
        (keptCatalog, keptUsers, keptLog) = (catalog, .some(users), log)
    }
    func keep(_ ratings: RatingSet) { keptRatings = ratings }
    func keep(_ split: DataSplit) { keptSplit = split }
    func keep(_ model: FusionModel, _ description: ModelDescription) { keptModel = (model, description) }

    /// Forgets the decoded tables only a model build reads (the extract stage's features, the
    /// users table, the interaction log), so a long-running reader (`serve`) keeps what it
    /// answers from and not the inputs of a model already built; they are read again if asked.
    func forgetModelInputs() { (keptFeatures, keptUsers, keptLog) = (nil, nil, nil) }

    /// The items table as loaded (stages/load).
    func catalog() throws -> Catalog {
        try kept(&keptCatalog) { try StageCodecs.decodeCatalog(url(Path.loadCatalog)) }
    }

    /// The users table, nil when the pipeline has none.
    func users() throws -> Catalog? {
        try kept(&keptUsers) { exists(Path.loadUsers) ? try StageCodecs.decodeCatalog(url(Path.loadUsers)) : nil }
    }

    func interactionLog() throws -> InteractionLog {
        try kept(&keptLog) { try StageCodecs.decodeInteractionLog(url(Path.loadInteractions)) }
    }

    /// The preprocessed ratings with dense user and item indices.
    func ratings() throws -> RatingSet {
        try kept(&keptRatings) { try StageCodecs.decodeRatingSet(url(Path.preprocessRatings)) }
    }

    /// Each rating's part and bucket, as the split stage drew them.
    func split() throws -> DataSplit {
        try kept(&keptSplit) { try StageCodecs.decodeSplit(url(Path.splitParts)) }
    }

    /// The extract stage's per-modality features ("<modality>.features", "<modality>.present").
    func features() throws -> Safetensors.File {
        try kept(&keptFeatures) { try Safetensors.read(url(Path.extractFeatures)) }
    }

    /// The trained model, rebuilt from the train stage's description and weights over this
    /// folder's data (`spec`: the pipeline the run came from).
    func trainedModel(spec: PipelineSpec) throws -> (FusionModel, ModelDescription) {
        if let model = keptModel { return model }
        let description = try read(.trainModelDescription)
        let (model, _) = try modelAssembly(spec: spec, fitting: false).build(description)
        try loadTrainedWeights(into: model)
        keptModel = (model, description)
        return (model, description)
    }

    private func kept<T>(_ slot: inout T?, _ read: () throws -> T) rethrows -> T {
        if let value = slot { return value }
        let value = try read()
        slot = value
        return value
    }
}
