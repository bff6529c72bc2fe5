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
    /// The fitted text vectorizer (vocabulary or hashing, idf).
    public var text: FittedText?
    /// Per-dimension mean and deviation of the pooled audio features over train items.
    public var audioScaler: FeatureScaler?
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
        case ratingRange = "rating_range", itemFields = "item_fields", userFields = "user_fields", audioScaler = "audio_scaler", text
        case itemEncoders = "item_encoders", userIds = "user_ids", itemIds = "item_ids", scoring
        case coldItemMasked = "cold_item_masked"
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
