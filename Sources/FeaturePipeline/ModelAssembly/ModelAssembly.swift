import Foundation
import NeuralNet
import Recommender
import TensorCore

/// Builds the fused model from a run's data: fresh for training (fitting scalers and
/// vocabularies on train), or from a saved `ModelDescription` for evaluation and prediction.
struct ModelAssembly {
    let spec: PipelineSpec
    let catalog: Catalog
    let users: Catalog?
    let set: RatingSet
    let split: DataSplit
    /// The extract stage's output (nil when no modality is configured).
    let features: Safetensors.File?
    /// The modalities' states fitted by the extract stage (text), by modality name.
    let extractStates: [String: any ModalityState]

    /// Rebuilds (description given) or fits (nil) everything, then returns the model and its description.
    func build(_ saved: ModelDescription? = nil) throws -> (FusionModel, ModelDescription) {
        let options = saved?.options ?? spec.model
        let seed = saved?.seed ?? spec.seed
        let trainRows = split.rows(in: .train)
        let behavior = UserBehavior(set: set, trainRows: trainRows, maxItems: options.historyMaxItems)
        let normalizer = saved?.normalizer
            ?? RatingNormalizer(method: spec.preprocess.normalize, set: set, trainRows: trainRows)
        var rng = SeededGenerator(seed: seed, stream: "encoders")

        let trainItems = Array(Set(trainRows.map { Int(set.items[$0]) })).sorted()
        var fitted = ItemEncoderSet.Fitted(states: extractStates)
        if let saved { fitted = saved.fitted(spec) }
        let items = try ItemEncoderSet(spec: spec, catalog: catalog, features: features, fitItems: trainItems, fitted: fitted, rng: &rng)
        let encoders = items.encoders

        var userEncoder: (any FeatureEncoder)?
        var userFieldState = saved?.userFields
        if let users, userFieldState != nil || !spec.features.userFields.isEmpty {
            let byId = Dictionary(uniqueKeysWithValues: users.ids.enumerated().map { ($1, $0) })
            let column = { (name: String) -> [String?] in
                let values = catalogColumn(users, name)
                return set.userIds.map { id in byId[id].flatMap { values[$0] } }
            }
            let trainUsers = Array(Set(trainRows.map { Int(set.users[$0]) })).sorted()
            let state = userFieldState ?? TabularState.fit(fields: spec.features.userFields, column: column, fitRows: trainUsers)
            userFieldState = state
            userEncoder = TabularEncoder(name: "user_fields", state: state, entityCount: set.userCount, column: column, rng: &rng)
        }

        let trainRatings = trainRows.map { normalizer.normalize(set.ratings[$0], user: Int(set.users[$0])) }
        let mean = saved?.globalMean ?? TrainingView.mean(trainRatings)
        let model = FusionModel(options: options, behavior: behavior, globalMean: mean, itemEncoders: encoders,
                                isModality: items.isModality, userEncoder: userEncoder, seed: seed)
        model.coldItemMasked = Set(saved?.coldItemMasked ?? [])
        if saved == nil {
            var normalized = set
            for r in trainRows { normalized.ratings[r] = normalizer.normalize(set.ratings[r], user: Int(set.users[r])) }
            let view = TrainingView(set: normalized, rows: trainRows)
            var start = options.warmStart
            if start == .auto { start = encoders.isEmpty ? .mf : .bias }
            switch start {
            case .auto, .mf: model.initialize(from: MatrixFactorization(fit: view, factors: options.itemDim, seed: seed))
            case .bias: model.initializeBiases(from: BiasBaseline(fit: view))
            case .random: break
            }
        }
        let raw = trainRows.map { set.ratings[$0] }
        let description = ModelDescription(
            seed: seed, options: options, globalMean: mean, normalizer: normalizer,
            ratingRange: saved?.ratingRange ?? [raw.min() ?? 0, raw.max() ?? 0],
            itemFields: items.itemFields, states: ModalityStates.stored(items.states, spec.features.modalities),
            userFields: userFieldState, itemEncoders: encoders.map(\.name),
            userIds: set.userIds, itemIds: set.itemIds)
        return (model, description)
    }
}

/// Values of `column` for every entity of a catalog (all nil when the column does not exist).
func catalogColumn(_ catalog: Catalog, _ column: String) -> [String?] {
    guard let c = catalog.columnIndex(column) else { return [String?](repeating: nil, count: catalog.count) }
    return (0..<catalog.count).map { catalog.value(item: $0, column: c) }
}
