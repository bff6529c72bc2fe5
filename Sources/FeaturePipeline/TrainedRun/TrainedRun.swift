import Foundation
import Recommender
import TensorCore

/// A finished run read back from its folder, for `predict`, `recommend` and `extract --model`.
public final class TrainedRun {
    public let directory: URL
    let folder: RunFolder
    /// The pipeline the run came from (its pipeline.resolved.yaml).
    let spec: PipelineSpec
    let model: FusionModel
    let description: ModelDescription
    let set: RatingSet
    let split: DataSplit
    lazy var userVectors: Tensor = model.userVectors()
    lazy var itemVectors: Tensor = model.itemVectors()
    /// The id indexes, each user's rows and the tie order (`RunTables`).
    public internal(set) lazy var tables = RunTables(set: set, split: split, description: description, behavior: model.behavior)
    var itemPositions: [String: Int] { tables.itemPositions }
    var userPositions: [String: Int] { tables.userPositions }
    /// Items added after training (`TrainedRun+AddedItems`), indexed after the run's.
    var added = AddedItems()

    public convenience init(directory: URL) throws { try self.init(directory: directory, modalities: .standard) }

    /// `modalities`: the types the run's pipeline file is read with.
    init(directory: URL, modalities: ModalityRegistry) throws {
        self.directory = directory
        folder = RunFolder(root: directory, modalities: modalities)
        let state = folder.stateDescription
        // Read once, so that the hash names the very manifest the model was read through.
        let manifestBytes = try? folder.bytes(RunFolder.Path.manifest)
        guard let manifestBytes, let manifest = try? folder.decode(.manifest, from: manifestBytes) else {
            if let state {
                throw PipelineError(what: "\(directory.path) has no finished run yet: its run is \(state)",
                                    hint: "predictions need a run that reached its export stage once")
            }
            throw PipelineError(what: "\(directory.path) is not a finished run (no readable manifest.json)",
                                hint: "give the outputs.dir of a pipeline that `pipeline run` completed")
        }
        pipelineName = manifest.pipeline
        manifestSHA256 = ContentHash.hex(manifestBytes)
        spec = try folder.resolvedSpec(manifest)
        do {
            (model, description) = try folder.trainedModel(spec: spec)
            set = try folder.ratings()
            split = try folder.split()
        } catch {
            let cause = Terminal.describe(error)
            if let state {
                throw PipelineError(what: "cannot read the trained model in \(directory.path): its latest run is \(state) (\(cause))",
                                    hint: "predictions are served again once that run completes")
            }
            throw PipelineError(
                what: "cannot read the trained model in \(directory.path): \(cause)",
                hint: manifest.toolVersion == ToolVersion.current
                    ? "run `pipeline run \(manifest.pipelineFile)` again to rebuild the folder"
                    : "the folder was written by version \(manifest.toolVersion); run `pipeline run \(manifest.pipelineFile)` again")
        }
        // An interrupted run may have redone the data stages (a changed pipeline file) before its
        // training: the last complete model then no longer matches them.
        guard description.itemIds == set.itemIds, description.userIds == set.userIds else {
            throw PipelineError(what: "the data in \(directory.path) changed after its model was trained" + (state.map { ": its latest run is \($0)" } ?? ""),
                                hint: "predictions are served again once that run completes")
        }
        stateNote = state.map { "serving the last complete model; the folder's latest run is \($0)" }
    }

    /// The `name:` of the pipeline the run came from (manifest.json `pipeline`).
    public let pipelineName: String
    /// SHA-256 of the manifest.json the model was read through: which export this is.
    public let manifestSHA256: String

    /// Set when the folder's latest run did not complete: what the user should be told.
    public private(set) var stateNote: String?

    public struct Prediction: Codable, Sendable {
        public var user: String
        public var item: String
        public var prediction: Float
        /// Whether training saw ratings of this user / item (otherwise the cold-start path was used).
        public var userKnown: Bool
        public var itemKnown: Bool

        enum CodingKeys: String, CodingKey {
            case user, item, prediction, userKnown = "user_known", itemKnown = "item_known"
        }
    }

    public func predict(user: String, item: String) throws -> Prediction {
        try tables.prediction(user: user, item: item) { u, i in scores(userIndex: u, items: [i])[0] }
    }

    /// A rating for an item of another catalog (the items file of `spec`), from its content:
    /// the run's encoders and trained weights embed it; an id the run never saw uses the
    /// unknown-item row. This is how a new item with content but no ratings is scored.
    public func predict(user: String, item: String, catalogOf spec: PipelineSpec) throws -> Prediction {
        var report = LoadReport()
        let catalog = try DataLoader.loadCatalog(spec.data, report: &report)
        guard let i = catalog.ids.firstIndex(of: item) else {
            throw PipelineError(what: "no item '\(item)' in \(spec.data.items.path.path)", hint: "ids come from the column data.items.id")
        }
        let u = userPositions[user]
        let encoders = try foreignEncoders(of: catalog, data: spec.data)
        let value = clipped(foreignRatings(userIndex: u, encoders: encoders, idRows: idRows(ofItems: catalog.ids))[i])
        let known = set.itemIds.firstIndex(of: item).map { model.behavior.knownItems[$0] } ?? false
        return Prediction(user: user, item: item, prediction: value,
                          userKnown: u.map { model.behavior.knownUsers[$0] } ?? false, itemKnown: known)
    }

    /// This run's item encoders, with its trained weights, over another catalog's features.
    func foreignEncoders(of catalog: Catalog, data: DataSpec) throws -> [any FeatureEncoder] {
        try foreignEncoders(of: catalog, data: data, features: foreignFeatures(of: catalog, data: data))
    }

    /// The features of another catalog's items, extracted with this run's fitted states (media
    /// through the run's item cache). `applyingFailPolicy`: as `ExtractionEngine.extract`.
    func foreignFeatures(of catalog: Catalog, data: DataSpec, applyingFailPolicy: Bool = true) throws -> ItemFeatureSet {
        var spec = self.spec
        spec.data = data
        let engine = ExtractionEngine(spec: spec, context: ExtractionContext(
            spec: spec, threads: 1, cache: ItemCache(root: folder.cacheDirectory),
            progress: ProgressReporter(style: .quiet)))
        var source = CatalogChunks(catalog)
        var features = ItemFeatureSet()
        try engine.extract(&source, states: description.fitted(spec).states, applyingFailPolicy: applyingFailPolicy) { _, _, all in features = all }
        return features
    }

    /// This run's item encoders, with its trained weights, over `features` of another catalog.
    func foreignEncoders(of catalog: Catalog, data: DataSpec, features: ItemFeatureSet) throws -> [any FeatureEncoder] {
        var spec = self.spec
        spec.data = data
        var rng = SeededGenerator(seed: description.seed, stream: "encoders")
        let encoders = try ItemEncoderSet(spec: spec, catalog: catalog, features: features.file, fitItems: [],
                                          fitted: description.fitted(spec), rng: &rng)
        try encoders.load(from: model)
        return encoders.encoders
    }

    /// Fused item vectors of another catalog's items as `pipeline extract --model` writes them:
    /// cheap encoders wrapped to a fixed batch and the tower on whole chunks, so an item's vector
    /// does not depend on which items share its chunk. `forRanking`: the ranking head's ṽ_i.
    func extractedVectors(_ encoders: [any FeatureEncoder], ids: [String], forRanking: Bool = false) -> Tensor {
        let fixedSize = encoders.map { $0 is any PartitionedInference ? $0 : FullBatchEncoder($0, batch: ItemsFileChunks.defaultSize) }
        return model.itemVectors(encoders: fixedSize, idRows: idRows(ofItems: ids), forRanking: forRanking, fullBatch: true)
    }

    /// The id-embedding row of each item: its own for an id the run was trained with, the
    /// unknown-item row for any other (a new item is then embedded from its content).
    func idRows(ofItems ids: [String]) -> [Int] {
        ids.map { id in itemPositions[id].map { model.idRow(ofItem: $0) } ?? model.unknownItemRow }
    }

    public struct Recommendation: Codable, Sendable {
        public var rank: Int
        public var item: String
        /// What the list is ordered by (model.json `scoring`): the unclipped predicted rating, the
        /// ranking head's score, or log P(relevant) up to a per-user constant.
        public var score: Float
        /// The predicted rating, clipped to the rating range (nil for implicit feedback).
        public var rating: Float?
    }

    /// How this run ranks (runs written before `scoring` existed rank by the predicted rating).
    var scoring: RankingScoring { description.scoring ?? RankingScoring(kind: .rating) }

    /// Top-k items for `user` by the run's ranking score, excluding what the user rated in the
    /// rows `seenRows` names (all of the run's data by default); equal scores are ordered by train
    /// popularity, then item id (`TieBreak`). An unknown user gets the cold-user path (the
    /// unknown-user row: no id, no history). `never`: item ids left out as well (`serve`'s
    /// `exclude` list); ids not in the run are ignored.
    public func recommend(user: String, k: Int, excluding seenRows: SeenItems = .all, never: [String] = []) throws -> (known: Bool, items: [Recommendation]) {
        tables.recommend(user: user, k: k, excluding: seenRows, never: never) { $0 ? coldUserRanker : ranker }
    }

    func clipped(_ rating: Float) -> Float { tables.clipped(rating) }

    /// Ranking by the rating over more items than this retrieves candidates first (`candidates`).
    public static let fullScoringLimit = 100_000
    /// The candidates a rating ranker over more than `fullScoringLimit` items takes.
    public static let automaticCandidates = 2_000
    /// `recommend --candidates` (set before the first recommendation): how many candidates a run
    /// that ranks by the rating scores fully; 0 scores every item; nil: every item up to
    /// `fullScoringLimit` items, `automaticCandidates` above (`FusedRanker.candidates`).
    public var candidates: Int?

    /// The candidate count `candidates` comes to for this run (nil: every item).
    var candidateCount: Int? { Self.candidateCount(candidates, items: set.itemIds.count) }

    /// The candidate count a `--candidates` setting comes to over `items` items (nil: every item).
    static func candidateCount(_ setting: Int?, items: Int) -> Int? {
        switch setting {
        case 0?: nil
        case let n?: n
        case nil: items > fullScoringLimit ? automaticCandidates : nil
        }
    }

    /// The ranker of the run's users: its user and item vectors for both heads, computed once
    /// (the ranking head's are the towers over every user and item: seconds for a large catalog).
    lazy var ranker = FusedRanker(model: model, normalizer: description.normalizer, score: scoring.score,
                                  userVectors: userVectors, items: itemSide).candidates(candidateCount)
    /// The ranker of a user the run never saw. It shares `itemSide` with `ranker` but does not
    /// need `ranker`: that would run the user towers over every user for a one-off `recommend --history`.
    lazy var coldUserRanker = FusedRanker(coldUserOf: model, normalizer: description.normalizer, score: scoring.score,
                                          items: itemSide).candidates(candidateCount)
    /// Both heads' item vectors and the first MLP layer's item half, one copy for every ranker.
    lazy var itemSide = FusedRanker.ItemSide(model: model, score: scoring.score, vectors: itemVectors)
    /// Predict and recommend for the run's users with every vector computed, for threads to
    /// share (`pipeline serve`).
    public var queries: RunQueries { RunQueries(tables: tables, ranker: ranker, coldUserRanker: coldUserRanker) }

    /// Denormalised, clipped predictions; `userIndex` nil = a user the run never saw.
    /// `itemVectors`: others than the run's (a modality masked).
    func scores(userIndex: Int?, items: [Int], itemVectors other: Tensor? = nil) -> [Float] {
        let w = userIndex == nil ? model.coldUserVector() : userVectors
        let raw = model.score(users: [Int](repeating: userIndex ?? 0, count: items.count), items: items, userVectors: w,
                              itemVectors: other ?? itemVectors, coldUser: userIndex == nil)
        return raw.map { clipped(description.normalizer.denormalize($0, user: userIndex ?? -1)) }
    }

    func itemIndex(_ id: String) throws -> Int { try tables.itemIndex(id) }
}
