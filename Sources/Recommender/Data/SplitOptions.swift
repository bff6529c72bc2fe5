/// How clean ratings are divided into train, validation and test (pipeline file section `split`).
public struct SplitOptions: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Rows shuffled with the seed, then cut by the shares.
        case random
        /// Each user's rows shuffled and cut by the shares, so every user appears in train.
        case perUser = "per_user"
        /// Rows ordered by timestamp: the latest go to test, the ones before to validation.
        case temporal
        /// A column of the interactions file names each row's part (train, valid, test).
        case column
    }

    public var method: Method = .random
    /// Share of warm rows for validation (early stopping and model selection).
    public var valid: Double = 0.1
    /// Share of warm rows for test.
    public var test: Double = 0.1
    /// Share of rated items held out entirely (all their ratings go to validation or test).
    public var coldItems: Double = 0.05
    /// Share of users held out entirely.
    public var coldUsers: Double = 0.05

    public init() {}
}
