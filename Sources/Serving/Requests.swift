import FeaturePipeline
import Foundation

// The JSON bodies the endpoints accept (docs/serving.md). Keys are snake_case; keys the
// server does not know are ignored.

/// `POST /v1/predict`: one user's predicted ratings of the items listed.
struct PredictRequest: Decodable {
    var user: String
    var items: [String]
}

/// `POST /v1/recommend`: the top `k` items for a user of the model (`user`), or for a visitor
/// described by their ratings (`history`); exactly one of the two.
struct RecommendRequest: Decodable {
    struct Rated: Decodable {
        var item: String
        var rating: Float
    }

    var user: String?
    var history: [Rated]?
    var k: Int?
    /// Which of the user's rated items are left out: true (all of them, the default), false
    /// (none), or "all" / "train" / "none" as `pipeline recommend --exclude-seen`.
    var excludeSeen: TrainedRun.SeenItems?
    /// Item columns to return beside each id (`TrainedRun.show`).
    var fields: [String]?
    /// Item ids never returned; ids the model does not know are ignored.
    var exclude: [String]?
    /// For a run that ranks by the rating: the candidates the full model re-ranks (0: every item).
    var candidates: Int?

    enum CodingKeys: String, CodingKey { case user, history, k, excludeSeen = "exclude_seen", fields, exclude, candidates }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        history = try c.decodeIfPresent([Rated].self, forKey: .history)
        k = try c.decodeIfPresent(Int.self, forKey: .k)
        fields = try c.decodeIfPresent([String].self, forKey: .fields)
        exclude = try c.decodeIfPresent([String].self, forKey: .exclude)
        candidates = try c.decodeIfPresent(Int.self, forKey: .candidates)
        if let flag = try? c.decodeIfPresent(Bool.self, forKey: .excludeSeen) {
            excludeSeen = flag ? .all : TrainedRun.SeenItems.none
        } else if let name = try c.decodeIfPresent(String.self, forKey: .excludeSeen) {
            guard let choice = TrainedRun.SeenItems(rawValue: name) else {
                throw APIError.badRequest("bad_request", "exclude_seen is '\(name)'", hint: "true, false, \"all\", \"train\" or \"none\"")
            }
            excludeSeen = choice
        }
    }
}

/// `POST /v1/similar`: the `k` items nearest `item` by the exported item vectors.
struct SimilarRequest: Decodable {
    var item: String
    var k: Int?
    var fields: [String]?
}
