import Foundation

/// What one cleaning rule did.
public struct PreprocessRule: Sendable, Equatable, Codable {
    public var name: String
    /// Rows the rule dropped or changed.
    public var rows: Int
    public var action: String
}

/// Counts of a preprocessing run, rule by rule, for the run summary.
public struct PreprocessReport: Sendable, Equatable, Codable {
    public var inputRows: Int
    public var outputRows: Int
    public var rules: [PreprocessRule]
}

/// Turns an `InteractionLog` into a clean `RatingSet`, applying the rules in a fixed order and
/// counting what each touched: missing values, unparsable values, unknown items, out-of-range
/// ratings (before deduplication, so a corrupt repeat never displaces a valid rating), exact
/// duplicate rows, repeated ratings of one (user, item), minimum counts.
public enum Preprocessor {
    public static func run(_ log: InteractionLog, catalogItemIds: [String], options: PreprocessOptions)
        throws -> (RatingSet, PreprocessReport)
    {
        var rules: [PreprocessRule] = []
        func fail(_ row: Int, _ column: String, _ message: String, _ hint: String) -> DataError {
            DataError(file: log.source, line: log.lines[row], column: column, message: message, hint: hint)
        }

        // 1. Missing user, item or rating.
        var keep: [Int] = []
        keep.reserveCapacity(log.count)
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
            } else {
                keep.append(r)
            }
        }
        rules.append(.init(name: "missing_values", rows: missing, action: "dropped"))

        // 2. Unparsable ratings or timestamps.
        var rating = [Float](repeating: 0, count: log.count)
        var time = [Double](repeating: 0, count: log.count)
        var unparsable = 0
        let timeParser = TimestampParser()
        keep = try keep.filter { r in
            guard let v = Double(log.ratings[r]!.trimmedSpaces), v.isFinite else {
                if options.missing == .fail {
                    throw fail(r, "rating", "'\(log.ratings[r]!)' is not a number", "ratings must be numbers such as 4 or 3.5")
                }
                unparsable += 1
                return false
            }
            rating[r] = Float(v)
            if let t = log.timestamps[r], !t.isEmpty {
                guard let seconds = timeParser.seconds(t) else {
                    if options.missing == .fail {
                        throw fail(r, "timestamp", "'\(t)' is not a time", "use seconds since 1970 or ISO 8601 (2024-05-01T12:00:00Z)")
                    }
                    unparsable += 1
                    return false
                }
                time[r] = seconds
            }
            return true
        }
        rules.append(.init(name: "unparsable_values", rows: unparsable, action: "dropped"))

        // 3. Items that are not in the catalog.
        var itemIndex: [String: Int32] = [:]
        for (i, id) in catalogItemIds.enumerated() where itemIndex[id] == nil { itemIndex[id] = Int32(i) }
        let before = keep.count
        keep = keep.filter { itemIndex[log.items[$0]!] != nil }
        rules.append(.init(name: "unknown_items", rows: before - keep.count, action: "dropped"))

        // 4. Ratings outside the configured range.
        if let range = options.ratingRange {
            var touched = 0
            keep = keep.filter { r in
                let v = Double(rating[r])
                guard !range.contains(v) else { return true }
                touched += 1
                if options.outOfRange == .clip { rating[r] = Float(min(max(v, range.lowerBound), range.upperBound)) }
                return options.outOfRange == .clip
            }
            rules.append(.init(name: "out_of_range", rows: touched, action: options.outOfRange == .clip ? "clipped" : "dropped"))
        }

        // 5. Exact duplicate rows, then 6. repeated ratings of one (user, item).
        var seenRows = Set<RowKey>()
        let beforeExact = keep.count
        keep = keep.filter { r in
            seenRows.insert(RowKey(user: log.users[r]!, item: log.items[r]!, rating: rating[r], time: time[r])).inserted
        }
        rules.append(.init(name: "exact_duplicates", rows: beforeExact - keep.count, action: "dropped"))
        if options.deduplicate != .none {
            var chosen: [PairKey: Int] = [:]
            for r in keep {
                let key = PairKey(user: log.users[r]!, item: log.items[r]!)
                guard let other = chosen[key] else { chosen[key] = r; continue }
                // keep_last: later time wins, ties go to the later row; keep_first: the reverse.
                let later = (time[r], r) > (time[other], other)
                if later == (options.deduplicate == .keepLast) { chosen[key] = r }
            }
            let beforeRepeat = keep.count
            let winners = Set(chosen.values)
            keep = keep.filter { winners.contains($0) }
            rules.append(.init(name: "repeated_ratings", rows: beforeRepeat - keep.count, action: "kept \(options.deduplicate.rawValue)"))
        }

        // 7. Minimum ratings per user and per item (one pass each, users first).
        if options.minUserRatings > 0 {
            var counts: [String: Int] = [:]
            for r in keep { counts[log.users[r]!, default: 0] += 1 }
            let before = keep.count
            keep = keep.filter { counts[log.users[$0]!]! >= options.minUserRatings }
            rules.append(.init(name: "min_user_ratings", rows: before - keep.count, action: "dropped"))
        }
        if options.minItemRatings > 0 {
            var counts: [String: Int] = [:]
            for r in keep { counts[log.items[r]!, default: 0] += 1 }
            let before = keep.count
            keep = keep.filter { counts[log.items[$0]!]! >= options.minItemRatings }
            rules.append(.init(name: "min_item_ratings", rows: before - keep.count, action: "dropped"))
        }

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
        return (set, PreprocessReport(inputRows: log.count, outputRows: keep.count, rules: rules))
    }

    private struct RowKey: Hashable { let user: String, item: String, rating: Float, time: Double }
    private struct PairKey: Hashable { let user: String, item: String }
}

/// Parses timestamps: seconds since 1970 as a number, or an ISO 8601 date or date-time.
struct TimestampParser {
    private let formatters: [ISO8601DateFormatter]

    init() {
        let variants: [ISO8601DateFormatter.Options] = [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
            [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime],
        ]
        formatters = variants.map { options in
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            return f
        }
    }

    func seconds(_ text: String) -> Double? {
        let t = text.trimmedSpaces
        if let v = Double(t), v.isFinite { return v }
        for f in formatters { if let d = f.date(from: t) { return d.timeIntervalSince1970 } }
        return nil
    }
}
