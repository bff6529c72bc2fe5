import FeaturePipeline
import Foundation

/// One loaded model and the only way requests reach it.
///
/// `TrainedRun` is a class that is not `Sendable`, and it is not safe to share even read-only:
/// its user and item vectors, id table and tie order are `lazy var`s, written on first use.
/// An actor owns it, so requests run on it one at a time and no two threads ever touch it at
/// once. On a 2-core machine one model call at a time costs little; the issue's fast path (a
/// read-only, Sendable snapshot of the precomputed item side, scored in parallel) replaces it.
/// `warm()` at load fills the lazy tables, so the first request does not pay for them.
actor ServedModel {
    private let run: TrainedRun
    nonisolated let info: ModelInfo

    /// Reads and warms the run in `folder` (seconds for a large catalog: call it off the event loop).
    init(folder: URL, path: String) throws {
        let run = try TrainedRun(directory: folder)
        run.warm()
        info = ModelInfo(run: path, pipeline: run.pipelineName, manifestSHA256: run.manifestSHA256,
                         loadedAt: Date().formatted(.iso8601), note: run.stateNote)
        self.run = run
    }

    func predict(_ request: PredictRequest) throws -> PredictResponse {
        try requireUser(request.user)
        // Every id is checked before any is scored: one unknown item fails the whole request.
        for item in request.items { try requireItem(item) }
        let predictions = try request.items.map { try run.predict(user: request.user, item: $0) }
        return PredictResponse(user: request.user, predictions: predictions)
    }

    func recommend(user: String, k: Int, excluding seen: TrainedRun.SeenItems, never: [String], fields: [String]) throws -> RecommendResponse {
        try requireUser(user)
        try requireColumns(fields)
        let (known, list) = try run.recommend(user: user, k: k, excluding: seen, never: never)
        return RecommendResponse(user: user, userKnown: known, items: try listed(list, fields: fields))
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
        try requireItem(item)
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
        return (postedCount, run.addStored(pending))
    }

    private func listed(_ list: [TrainedRun.Recommendation], fields: [String]) throws -> [ListedItem] {
        let shown = try show(fields, items: list.map(\.item))
        return zip(list, shown).map { ListedItem($0, fields: $1) }
    }

    /// The item columns of each item; nil for each when none were asked for.
    private func show(_ fields: [String], items: [String]) throws -> [[String: String]?] {
        fields.isEmpty ? items.map { _ in nil } : try run.show(fields, items: items)
    }

    private func requireUser(_ id: String) throws {
        guard run.hasUser(id) else { throw APIError.unknownUser(id) }
    }

    private func requireItem(_ id: String) throws {
        guard run.hasItem(id) else { throw APIError.unknownItem(id) }
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
