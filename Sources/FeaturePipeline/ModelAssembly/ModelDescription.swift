import Foundation
import Recommender
import TextFeatures
import TensorCore

/// model.json: everything besides the weights needed to rebuild the fused model exactly (options,
/// fitted scalers and vocabularies, normalisation, ids), so that predict, extract and a Python
/// reader reproduce training.
public struct ModelDescription: Sendable, Codable {
    public static let format = "pipeline-model-1"

    public var format = ModelDescription.format
    public var toolVersion = ToolVersion.current
    public var seed: UInt64
    public var options: ModelOptions
    public var globalMean: Float
    public var normalizer: RatingNormalizer
    public var ratingRange: [Float]
    public var itemFields: TabularState?
    /// Each modality's fitted state under its state key (text: the vectorizer's vocabulary or
    /// hashing and idf; audio_scaler: mean and deviation of the pooled features over train items).
    var states: [String: any ModalityState]
    public var userFields: TabularState?
    /// Names of the item encoders in the order of the item tower's input.
    public var itemEncoders: [String]
    public var userIds: [String]
    public var itemIds: [String]
    /// How the model ranks (set after training; nil in runs written before it existed: rating).
    public var scoring: RankingScoring?
    /// Modalities left out for items without train ratings (chosen on validation after training).
    public var coldItemMasked: [String]?

    enum CodingKeys: String, CodingKey {
        case format, toolVersion = "tool_version", seed, options, globalMean = "global_mean", normalizer
        case ratingRange = "rating_range", itemFields = "item_fields", userFields = "user_fields"
        case itemEncoders = "item_encoders", userIds = "user_ids", itemIds = "item_ids", scoring
        case coldItemMasked = "cold_item_masked"
    }

    init(seed: UInt64, options: ModelOptions, globalMean: Float, normalizer: RatingNormalizer, ratingRange: [Float],
         itemFields: TabularState?, states: [String: any ModalityState], userFields: TabularState?, itemEncoders: [String],
         userIds: [String], itemIds: [String]) {
        (self.seed, self.options, self.globalMean, self.normalizer, self.ratingRange) = (seed, options, globalMean, normalizer, ratingRange)
        (self.itemFields, self.states, self.userFields, self.itemEncoders) = (itemFields, states, userFields, itemEncoders)
        (self.userIds, self.itemIds) = (userIds, itemIds)
    }

    // The states sit beside the other keys at the top level (model.json keeps its shape).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        toolVersion = try c.decode(String.self, forKey: .toolVersion)
        seed = try c.decode(UInt64.self, forKey: .seed)
        options = try c.decode(ModelOptions.self, forKey: .options)
        globalMean = try c.decode(Float.self, forKey: .globalMean)
        normalizer = try c.decode(RatingNormalizer.self, forKey: .normalizer)
        ratingRange = try c.decode([Float].self, forKey: .ratingRange)
        itemFields = try c.decodeIfPresent(TabularState.self, forKey: .itemFields)
        userFields = try c.decodeIfPresent(TabularState.self, forKey: .userFields)
        itemEncoders = try c.decode([String].self, forKey: .itemEncoders)
        userIds = try c.decode([String].self, forKey: .userIds)
        itemIds = try c.decode([String].self, forKey: .itemIds)
        scoring = try c.decodeIfPresent(RankingScoring.self, forKey: .scoring)
        coldItemMasked = try c.decodeIfPresent([String].self, forKey: .coldItemMasked)
        states = try ModalityStates.decode(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(toolVersion, forKey: .toolVersion)
        try c.encode(seed, forKey: .seed)
        try c.encode(options, forKey: .options)
        try c.encode(globalMean, forKey: .globalMean)
        try c.encode(normalizer, forKey: .normalizer)
        try c.encode(ratingRange, forKey: .ratingRange)
        try c.encodeIfPresent(itemFields, forKey: .itemFields)
        try c.encodeIfPresent(userFields, forKey: .userFields)
        try c.encode(itemEncoders, forKey: .itemEncoders)
        try c.encode(userIds, forKey: .userIds)
        try c.encode(itemIds, forKey: .itemIds)
        try c.encodeIfPresent(scoring, forKey: .scoring)
        try c.encodeIfPresent(coldItemMasked, forKey: .coldItemMasked)
        try ModalityStates.encode(states, to: encoder)
    }
}

/// Standardisation of feature vectors: (x − mean) / std per dimension.
public struct FeatureScaler: Sendable, Codable, Equatable {
    public var mean: [Float]
    public var std: [Float]

    /// Fits on the rows `rows` of `features` (rows, width).
    public static func fit(_ features: Tensor, rows: [Int]) -> FeatureScaler {
        let width = features.shape[1]
        var accumulator = Accumulator(width: width)
        features.withUnsafeBufferPointer { p in
            for r in rows { accumulator.add(UnsafeBufferPointer(rebasing: p[(r * width)..<((r + 1) * width)])) }
        }
        return accumulator.scaler()
    }

    /// `fit` over rows that arrive one at a time, in order: the same sums, so the same scaler.
    struct Accumulator {
        var mean: [Double], sq: [Double]
        var rows = 0

        init(width: Int) {
            mean = [Double](repeating: 0, count: width)
            sq = mean
        }

        mutating func add(_ row: UnsafeBufferPointer<Float>) {
            for j in 0..<mean.count {
                let v = Double(row[j])
                mean[j] += v
                sq[j] += v * v
            }
            rows += 1
        }

        func scaler() -> FeatureScaler {
            let n = Double(max(rows, 1))
            return FeatureScaler(
                mean: mean.map { Float($0 / n) },
                std: zip(mean, sq).map { m, s in Float(max((s / n - (m / n) * (m / n)).squareRoot(), 1e-6)) })
        }
    }

    public func apply(_ features: Tensor) -> Tensor {
        var out = features
        let width = features.shape[1]
        for r in 0..<features.shape[0] {
            for j in 0..<width { out.storage[r * width + j] = (features.storage[r * width + j] - mean[j]) / std[j] }
        }
        return out
    }
}
