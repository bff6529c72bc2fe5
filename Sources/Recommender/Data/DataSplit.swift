/// Which part each rating row belongs to, and for held-out rows, which bucket.
public struct DataSplit: Sendable, Equatable {
    public enum Part: UInt8, Sendable, CaseIterable {
        case train = 0, valid = 1, test = 2
        /// Set aside: the row's item was skipped (`on_error: skip`); neither trained on nor evaluated.
        case excluded = 3
    }

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

    /// The split with every row of the given items set aside.
    public func excluding(items: Set<Int32>, of set: RatingSet) -> DataSplit {
        guard !items.isEmpty else { return self }
        var copy = self
        for r in 0..<set.count where items.contains(set.items[r]) { copy.parts[r] = .excluded }
        return copy
    }
}
