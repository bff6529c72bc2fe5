import Foundation
import Recommender
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
    public var userFields: TabularState?
    /// Names of the item encoders in the order of the item tower's input.
    public var itemEncoders: [String]
    public var userIds: [String]
    public var itemIds: [String]

    enum CodingKeys: String, CodingKey {
        case format, toolVersion = "tool_version", seed, options, globalMean = "global_mean", normalizer
        case ratingRange = "rating_range", itemFields = "item_fields", userFields = "user_fields"
        case itemEncoders = "item_encoders", userIds = "user_ids", itemIds = "item_ids"
    }
}
