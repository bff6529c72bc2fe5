import FeaturePipeline
import Foundation

/// The JSON bodies the endpoints answer with (docs/serving.md). The numbers are the offline
/// API's own values (`TrainedRun.predict`, `recommend`, `similar`), not recomputed.

/// `POST /v1/predict`: a prediction per item, in the order asked.
struct PredictResponse: Encodable {
    var user: String
    var predictions: [TrainedRun.Prediction]
}

/// One item of a `recommend` or `similar` list, with the item columns asked for.
struct ListedItem: Codable, Equatable {
    var rank: Int
    var item: String
    /// recommend: what the list is ordered by (`TrainedRun.Recommendation.score`).
    var score: Float?
    /// recommend: the predicted rating, clipped (absent for implicit feedback).
    var rating: Float?
    /// similar: cosine similarity of the two items' vectors.
    var similarity: Float?
    var fields: [String: String]?

    init(_ r: TrainedRun.Recommendation, fields: [String: String]?) {
        (rank, item, score, rating, self.fields) = (r.rank, r.item, r.score, r.rating, fields)
    }

    init(_ n: TrainedRun.Neighbour, fields: [String: String]?) {
        (rank, item, similarity, self.fields) = (n.rank, n.item, n.similarity, fields)
    }
}

/// `POST /v1/recommend`.
struct RecommendResponse: Encodable {
    /// The user asked for; absent for a history.
    var user: String?
    /// Whether training saw ratings of the user (else the model's cold-user path ranked); absent for a history.
    var userKnown: Bool?
    var items: [ListedItem]
    /// Items of a posted history the model does not know: left out, as `pipeline recommend --history` does.
    var unknownItems: [String]?

    enum CodingKeys: String, CodingKey { case user, userKnown = "user_known", items, unknownItems = "unknown_items" }
}

/// `POST /v1/similar`.
struct SimilarResponse: Encodable {
    var item: String
    var items: [ListedItem]
}

/// `GET /v1/model`: which model answers.
public struct ModelInfo: Codable, Sendable {
    /// The run folder (absolute path).
    public var run: String
    /// The pipeline's `name:`.
    public var pipeline: String
    /// SHA-256 of the run's manifest.json: changes with every export.
    public var manifestSHA256: String
    /// When this model was loaded (ISO 8601, UTC).
    public var loadedAt: String
    /// Set when the folder's latest run did not complete and an earlier model is served.
    public var note: String?

    enum CodingKeys: String, CodingKey { case run, pipeline, manifestSHA256 = "manifest_sha256", loadedAt = "loaded_at", note }
}

/// `GET /health/live` and `/health/ready`.
struct HealthResponse: Encodable {
    /// "live", "ready" or "loading".
    var status: String
}
