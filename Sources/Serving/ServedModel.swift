import FeaturePipeline
import Foundation
import Synchronization

/// One loaded model and the only way requests reach it.
///
/// Predictions and recommendations for the run's users go through `queries`, a read-only
/// `Sendable` value with every vector and table computed at load: requests score it on all
/// threads at once. Each request reads it once; posted items replace it with a new value
/// (`catchUp`), so a request sees the items before or after, never half. The rest (a history pooled through the user towers, similar items, item
/// columns) needs the `TrainedRun`, a class that is not safe to share even read-only (its
/// tables are `lazy var`s and its model keeps state): the actor owns it and runs those requests
/// one at a time.
actor ServedModel {
    private let run: TrainedRun
    private nonisolated let latest: Mutex<RunQueries>
    nonisolated let info: ModelInfo

    /// Reads and warms the run in `folder` (seconds for a large catalog: call it off the event loop).
    /// `candidates`: `TrainedRun.candidates` (`serve --candidates`).
    init(folder: URL, path: String, candidates: Int? = nil) throws {
        let run = try TrainedRun(directory: folder)
        run.candidates = candidates
        run.warm()
        info = ModelInfo(run: path, pipeline: run.pipelineName, manifestSHA256: run.manifestSHA256,
                         loadedAt: Date().formatted(.iso8601), note: run.stateNote)
        latest = Mutex(run.queries)
        self.run = run
    }

    /// The queries as of now (read once per request).
    nonisolated var queries: RunQueries { latest.withLock { $0 } }

    nonisolated func predict(_ request: PredictRequest) throws -> PredictResponse {
        let queries = self.queries
        try Self.require(user: request.user, in: queries)
        // Every id is checked before any is scored: one unknown item fails the whole request.
        for item in request.items { try Self.require(item: item, in: queries) }
        let predictions = try request.items.map { try queries.predict(user: request.user, item: $0) }
        return PredictResponse(user: request.user, predictions: predictions)
    }

    nonisolated func recommend(user: String, k: Int, excluding seen: TrainedRun.SeenItems, never: [String], fields: [String],
                               candidates: Int? = nil) async throws -> RecommendResponse {
        let queries = self.queries
        try Self.require(user: user, in: queries)
        if !fields.isEmpty { try await requireColumns(fields) }
        let (known, list) = queries.recommend(user: user, k: k, excluding: seen, never: never, candidates: candidates)
        let shown = fields.isEmpty ? list.map { _ in nil } : try await show(fields, items: list.map(\.item))
        return RecommendResponse(user: user, userKnown: known, items: zip(list, shown).map { ListedItem($0, fields: $1) })
    }

    /// A visitor the model never saw, by their ratings: `TrainedRun.recommend(history:k:)`.
    func recommend(history: [(item: String, rating: Float)], k: Int, never: [String], fields: [String]) throws -> RecommendResponse {
        try requireColumns(fields)
        let list: [TrainedRun.Recommendation], unknown: [String]
        do {
            (list, unknown) = try run.recommend(history: history, k: k, never: never)
        } catch let error as PipelineError {  // the model cannot pool a history (normalised ratings)
            throw APIError.badRequest("history_unsupported", error.what, hint: error.hint ?? "recommend by user")
        }
        return RecommendResponse(items: try listed(list, fields: fields), unknownItems: unknown.isEmpty ? nil : unknown)
    }

    func similar(item: String, k: Int, fields: [String]) throws -> SimilarResponse {
        guard run.hasItem(item) else { throw APIError.unknownItem(item) }
        try requireColumns(fields)
        let neighbours = try run.similar(to: item, k: k)
        let shown = try show(fields, items: neighbours.map(\.item))
        return SimilarResponse(item: item, items: zip(neighbours, shown).map { ListedItem($0, fields: $1) })
    }

    /// How many of the server's posted items (`PostedItems`, in their order) this model has added.
    private var postedCount = 0

    /// New items' rows (a JSON row or list of rows) read and embedded by this model, not yet added.
    func embed(rows json: Data) throws -> [PostedItem] {
        try run.embed(rows: json, source: "the request")
    }

    /// Adds the posted items this model does not have yet (`TrainedRun.addStored`): one actor
    /// call, so a request sees the items before or after, never half. Returns how many posted
    /// items the model has added, and a note for each it left out.
    func catchUp(with posted: PostedItems) -> (count: Int, notes: [String]) {
        let pending = posted.items(from: postedCount)
        postedCount += pending.count
        let notes = run.addStored(pending)
        if !pending.isEmpty { latest.withLock { $0 = run.queries } }
        return (postedCount, notes)
    }

    private func listed(_ list: [TrainedRun.Recommendation], fields: [String]) throws -> [ListedItem] {
        let shown = try show(fields, items: list.map(\.item))
        return zip(list, shown).map { ListedItem($0, fields: $1) }
    }

    /// The item columns of each item; nil for each when none were asked for.
    private func show(_ fields: [String], items: [String]) throws -> [[String: String]?] {
        fields.isEmpty ? items.map { _ in nil } : try run.show(fields, items: items)
    }

    private static func require(user id: String, in queries: RunQueries) throws {
        guard queries.tables.hasUser(id) else { throw APIError.unknownUser(id) }
    }

    private static func require(item id: String, in queries: RunQueries) throws {
        guard queries.tables.hasItem(id) else { throw APIError.unknownItem(id) }
    }

    private func requireColumns(_ fields: [String]) throws {
        guard !fields.isEmpty else { return }
        let columns = run.itemColumns
        if let missing = fields.first(where: { !columns.contains($0) }) {
            throw APIError.badRequest("unknown_field", "the items have no column '\(missing)'",
                                      hint: "item columns: \(columns.joined(separator: ", "))")
        }
    }
}
