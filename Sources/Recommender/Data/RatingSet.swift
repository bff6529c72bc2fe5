/// Clean ratings: one row per (user, item), ids mapped to dense indices.
///
/// `itemIds` is the whole catalog (items without ratings included), in catalog order, so item
/// index i is the catalog's i-th item. `userIds` are sorted, so row order in the source file does
/// not change indices.
public struct RatingSet: Sendable, Equatable {
    public var userIds: [String]
    public var itemIds: [String]
    public var users: [Int32]
    public var items: [Int32]
    public var ratings: [Float]
    /// Seconds (or any increasing number) per row; zeros when the file has no timestamp column.
    public var timestamps: [Double]
    /// Split column value per row (empty when not used).
    public var splitTags: [String]
    /// Implicit feedback: every rating is 1 and only the ranking objective applies.
    public var implicit = false

    public init(userIds: [String], itemIds: [String], users: [Int32], items: [Int32], ratings: [Float],
                timestamps: [Double], splitTags: [String] = []) {
        self.userIds = userIds; self.itemIds = itemIds
        self.users = users; self.items = items; self.ratings = ratings
        self.timestamps = timestamps; self.splitTags = splitTags
    }

    public var count: Int { ratings.count }
    public var userCount: Int { userIds.count }
    public var itemCount: Int { itemIds.count }
}
