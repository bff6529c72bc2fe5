/// Which part each rating row belongs to, and for held-out rows, which bucket.
public struct DataSplit: Sendable, Equatable {
    public enum Part: UInt8, Sendable, CaseIterable { case train = 0, valid = 1, test = 2 }

    /// How a held-out row relates to the training data.
    public enum Bucket: UInt8, Sendable, CaseIterable, Codable {
        /// User and item both have train ratings.
        case warm = 0
        /// The item has no train rating (its content must carry the prediction).
        case coldItem = 1
        /// The user has no train rating (the item has).
        case coldUser = 2

        public var name: String { ["warm", "cold-item", "cold-user"][Int(rawValue)] }
    }

    public var parts: [Part]
    /// Bucket of each row; train rows are always `.warm`.
    public var buckets: [Bucket]

    public init(parts: [Part], buckets: [Bucket]) {
        precondition(parts.count == buckets.count, "parts and buckets differ in length")
        self.parts = parts
        self.buckets = buckets
    }

    public func rows(in part: Part) -> [Int] { parts.indices.filter { parts[$0] == part } }

    public func rows(in part: Part, bucket: Bucket) -> [Int] {
        parts.indices.filter { parts[$0] == part && buckets[$0] == bucket }
    }

    public func count(_ part: Part) -> Int { parts.reduce(0) { $0 + ($1 == part ? 1 : 0) } }
}
