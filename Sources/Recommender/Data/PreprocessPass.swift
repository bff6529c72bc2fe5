import Foundation

/// One run of `Preprocessor`: the rows still kept, their parsed ratings and times, and what each
/// rule did so far. Each method is one rule; `Preprocessor.runListingDropped` calls them in order.
final class PreprocessPass {
    let log: InteractionLog
    let options: PreprocessOptions
    let catalogItemIds: [String]
    /// The file name the dropped rows name.
    let file: String
    /// Indices into `log` of the rows every rule so far has kept, in input order.
    private(set) var keep: [Int] = []
    private var rating: [Float]
    private var time: [Double]
    /// Catalog position of each item id (the first, should an id repeat).
    private var itemIndex: [String: Int32] = [:]
    private(set) var rules: [PreprocessRule] = []
    private(set) var dropped: [DroppedRow] = []

    init(_ log: InteractionLog, catalogItemIds: [String], options: PreprocessOptions) {
        self.log = log
        self.options = options
        self.catalogItemIds = catalogItemIds
        file = URL(fileURLWithPath: log.source).lastPathComponent
        rating = [Float](repeating: 0, count: log.count)
        time = [Double](repeating: 0, count: log.count)
        keep.reserveCapacity(log.count)
        for (i, id) in catalogItemIds.enumerated() where itemIndex[id] == nil { itemIndex[id] = Int32(i) }
    }

    /// 1. Rows missing the user, the item or the rating.
    func dropMissingValues() throws {
        var missing = 0
        for r in 0..<log.count {
            let absent = [("user", log.users[r]), ("item", log.items[r]), ("rating", log.ratings[r])]
                .first { $0.1.map { $0.trimmedSpaces.isEmpty } ?? true }
            if let (column, _) = absent {
                if options.missing == .fail {
                    throw fail(r, column, "missing \(column) value",
                               "fill it in, or set preprocess.missing: drop to skip such rows")
                }
                missing += 1
                note("missing_values", r, column, "")
            } else {
                keep.append(r)
            }
        }
        record("missing_values", missing, "dropped")
    }

    /// 2. Rows whose rating or timestamp does not parse; the others' values are kept.
    func parseValues() throws {
        var unparsable = 0
        let timeParser = TimestampParser()
        keep = try keep.filter { r in
            guard let v = Double(log.ratings[r]!.trimmedSpaces), v.isFinite else {
                if options.onUnparsable == .fail {
                    throw fail(r, "rating", "'\(log.ratings[r]!)' is not a number",
                               "ratings must be numbers such as 4 or 3.5, or set preprocess.on_unparsable: drop")
                }
                unparsable += 1
                note("unparsable_values", r, "rating", log.ratings[r])
                return false
            }
            rating[r] = Float(v)
            if let t = log.timestamps[r], !t.isEmpty {
                guard let seconds = timeParser.seconds(t) else {
                    if options.onUnparsable == .fail {
                        throw fail(r, "timestamp", "'\(t)' is not a time",
                                   "use seconds since 1970 or ISO 8601 (2024-05-01T12:00:00Z), or set preprocess.on_unparsable: drop")
                    }
                    unparsable += 1
                    note("unparsable_values", r, "timestamp", t)
                    return false
                }
                time[r] = seconds
            }
            return true
        }
        record("unparsable_values", unparsable, "dropped")
    }

    /// 3. Rows whose item is not in the catalog.
    func dropUnknownItems() {
        let gone = keepOnly(noting: "unknown_items", "item", log.items) { itemIndex[log.items[$0]!] != nil }
        record("unknown_items", gone, "dropped")
    }

    /// 4. Ratings outside `options.ratingRange`, dropped or clipped into it.
    func applyRatingRange() {
        guard let range = options.ratingRange else { return }
        var touched = 0
        keep = keep.filter { r in
            let v = Double(rating[r])
            guard !range.contains(v) else { return true }
            touched += 1
            note("out_of_range", r, "rating", log.ratings[r])
            if options.outOfRange == .clip { rating[r] = Float(min(max(v, range.lowerBound), range.upperBound)) }
            return options.outOfRange == .clip
        }
        record("out_of_range", touched, options.outOfRange == .clip ? "clipped" : "dropped")
    }

    /// 5. Rows equal to an earlier one in user, item, rating and time.
    func dropExactDuplicates() {
        var seenRows = Set<RowKey>()
        let gone = keepOnly(noting: "exact_duplicates", "rating", log.ratings) { r in
            seenRows.insert(RowKey(user: log.users[r]!, item: log.items[r]!, rating: rating[r], time: time[r])).inserted
        }
        record("exact_duplicates", gone, "dropped")
    }

    /// 6. One rating per (user, item), as `options.deduplicate` chooses.
    func dropRepeatedRatings() {
        guard options.deduplicate != .none else { return }
        var chosen: [PairKey: Int] = [:]
        for r in keep {
            let key = PairKey(user: log.users[r]!, item: log.items[r]!)
            guard let other = chosen[key] else { chosen[key] = r; continue }
            // keep_last: later time wins, ties go to the later row; keep_first: the reverse.
            let later = (time[r], r) > (time[other], other)
            if later == (options.deduplicate == .keepLast) { chosen[key] = r }
        }
        let winners = Set(chosen.values)
        let gone = keepOnly(noting: "repeated_ratings", "rating", log.ratings) { winners.contains($0) }
        record("repeated_ratings", gone, "kept \(options.deduplicate.rawValue)")
    }

    /// 7. Rows of the users (`ids` = `log.users`) or items with fewer than `minimum` kept ratings.
    func dropBelowMinimum(_ minimum: Int, of ids: [String?], rule: String, column: String) {
        guard minimum > 0 else { return }
        var counts: [String: Int] = [:]
        for r in keep { counts[ids[r]!, default: 0] += 1 }
        let gone = keepOnly(noting: rule, column, ids) { counts[ids[$0]!]! >= minimum }
        record(rule, gone, "dropped")
    }

    /// The kept rows with dense user indices (users sorted by id) and catalog item indices.
    func ratingSet() -> RatingSet {
        let userIds = Array(Set(keep.map { log.users[$0]! })).sorted()
        var userIndex: [String: Int32] = [:]
        for (i, id) in userIds.enumerated() { userIndex[id] = Int32(i) }
        var set = RatingSet(
            userIds: userIds, itemIds: catalogItemIds,
            users: keep.map { userIndex[log.users[$0]!]! },
            items: keep.map { itemIndex[log.items[$0]!]! },
            ratings: keep.map { rating[$0] },
            timestamps: keep.map { time[$0] },
            splitTags: keep.map { log.splitTags[$0] ?? "" })
        set.implicit = log.implicit
        return set
    }

    // MARK: Bookkeeping

    /// Keeps the rows `isKept` accepts and notes each other one under `rule` with its `column`
    /// value from `values`; returns how many went.
    private func keepOnly(noting rule: String, _ column: String, _ values: [String?], _ isKept: (Int) -> Bool) -> Int {
        let before = keep.count
        keep = keep.filter { r in
            if isKept(r) { return true }
            note(rule, r, column, values[r])
            return false
        }
        return before - keep.count
    }

    private func note(_ rule: String, _ r: Int, _ column: String, _ value: String?) {
        dropped.append(DroppedRow(rule: rule, file: file, line: log.lines[r], column: column, value: value ?? ""))
    }

    /// Adds the rule's count to the report, with the first three rows it touched as examples.
    private func record(_ name: String, _ rows: Int, _ action: String) {
        let examples = dropped.lazy.filter { $0.rule == name }.prefix(3).map { "\($0.file):\($0.line): \($0.column) '\($0.value)'" }
        rules.append(PreprocessRule(name: name, rows: rows, action: action, examples: rows > 0 ? Array(examples) : nil))
    }

    private func fail(_ row: Int, _ column: String, _ message: String, _ hint: String) -> DataError {
        DataError(file: log.source, line: log.lines[row], column: column, message: message, hint: hint)
    }

    private struct RowKey: Hashable { let user: String, item: String, rating: Float, time: Double }
    private struct PairKey: Hashable { let user: String, item: String }
}
