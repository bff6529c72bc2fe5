/// How raw interactions are cleaned (pipeline file section `preprocess`).
public struct PreprocessOptions: Sendable, Equatable {
    public enum Deduplicate: String, Sendable, Codable, CaseIterable {
        /// Keep the latest rating per (user, item): greatest timestamp, then last row.
        case keepLast = "keep_last"
        /// Keep the earliest rating per (user, item).
        case keepFirst = "keep_first"
        /// Keep every row (only exact duplicate rows are still dropped).
        case none
    }
    public enum MissingPolicy: String, Sendable, Codable, CaseIterable {
        case drop, fail
    }
    public enum OutOfRange: String, Sendable, Codable, CaseIterable {
        case drop, clip
    }
    public enum Normalization: String, Sendable, Codable, CaseIterable {
        /// Ratings are used as they are.
        case none
        /// Subtract the user's mean train rating (fitted on train only); predictions add it back.
        case userMean = "user_mean"
        /// (r − μ) / σ with the train mean and standard deviation; predictions are mapped back.
        case zscore
    }

    public var deduplicate: Deduplicate = .keepLast
    public var missing: MissingPolicy = .drop
    /// Ratings or timestamps that are not numbers (times): drop the row or stop naming it.
    public var onUnparsable: MissingPolicy = .drop
    /// Largest share of input rows that missing values, unparsable values, unknown items and
    /// out-of-range ratings may drop before the run stops (a wrong column mapping drops most).
    public var maxDropped: Double = 0.2
    /// Valid rating interval; `nil` accepts every finite rating.
    public var ratingRange: ClosedRange<Double>? = nil
    public var outOfRange: OutOfRange = .drop
    public var normalize: Normalization = .none
    /// Users with fewer clean ratings are dropped (0 keeps all).
    public var minUserRatings: Int = 0
    /// Items with fewer clean ratings lose those ratings (the item stays in the catalog).
    public var minItemRatings: Int = 0

    public init() {}
}
