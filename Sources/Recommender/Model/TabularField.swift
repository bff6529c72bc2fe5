/// A column of the items or users file fed to the model as a tabular feature.
public struct TabularField: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A number, standardised with the train mean and deviation (optionally after log1p).
        case numeric
        /// One value out of many, embedded; values unseen in training map to an out-of-vocabulary row.
        case categorical
        /// A set of values in one column separated by `separator` (e.g. `Comedy|Drama`), pooled
        /// as the mean of their embeddings.
        case multiHot = "multi_hot"
    }

    public var name: String
    public var kind: Kind
    /// numeric: use log(1 + x) before standardising (for counts, prices, sales).
    public var log: Bool = false
    public var separator: String = "|"
    /// categorical, multi_hot: values seen fewer times in the train items share the OOV row.
    public var minCount: Int = 1
    /// categorical, multi_hot: embedding width.
    public var embedding: Int = 8

    enum CodingKeys: String, CodingKey { case name, kind, log, separator, minCount = "min_count", embedding }

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
