/// How clean ratings are divided into train, validation and test (pipeline file section `split`).
public struct SplitOptions: Sendable, Equatable {
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
    /// Share of rated items held out entirely (all their ratings go to validation or test);
    /// 0 by default with `column`, which keeps the file's own split.
    public var coldItems: Double = 0.05
    /// Share of users held out entirely; 0 by default with `column`.
    public var coldUsers: Double = 0.05
    /// With `column` and no cold items: the share of train items, among those without test rows,
    /// whose train rows become cold-item validation rows, so early stopping sees items nobody
    /// rated. Their test predictions are unaffected (they have none).
    public var validationColdItems: Double = 0.05

    public init() {}
}
