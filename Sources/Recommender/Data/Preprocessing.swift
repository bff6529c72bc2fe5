import Foundation

/// What one cleaning rule did.
public struct PreprocessRule: Sendable, Equatable, Codable {
    public var name: String
    /// Rows the rule dropped or changed.
    public var rows: Int
    public var action: String
    /// The first few rows it touched, as `file:line: column 'value'` (absent in older runs).
    public var examples: [String]?

    public init(name: String, rows: Int, action: String, examples: [String]? = nil) {
        self.name = name
        self.rows = rows
        self.action = action
        self.examples = examples
    }

    /// Rules that drop rows because the data is wrong (not duplicates or minimum counts, which the
    /// pipeline file asks for): their share counts against `preprocess.max_dropped`.
    public static let dataLoss: Set = ["missing_values", "unparsable_values", "unknown_items", "out_of_range"]
}

/// One row a rule dropped or changed, for dropped_rows.jsonl.
public struct DroppedRow: Sendable, Equatable, Codable {
    public var rule: String
    public var file: String
    public var line: Int
    public var column: String
    public var value: String

    public init(rule: String, file: String, line: Int, column: String, value: String) {
        self.rule = rule
        self.file = file
        self.line = line
        self.column = column
        self.value = value
    }
}

/// Counts of a preprocessing run, rule by rule, for the run summary.
public struct PreprocessReport: Sendable, Equatable, Codable {
    public var inputRows: Int
    public var outputRows: Int
    public var rules: [PreprocessRule]

    /// Rows dropped because the data was wrong (`PreprocessRule.dataLoss`).
    public var lostRows: Int {
        rules.filter { PreprocessRule.dataLoss.contains($0.name) && $0.action == "dropped" }.reduce(0) { $0 + $1.rows }
    }
}

/// More rows were dropped than `preprocess.max_dropped` allows; carries what preprocessing found
/// so that the run can still write dropped_rows.jsonl.
public struct TooManyDropped: Error, CustomStringConvertible, Sendable {
    public var report: PreprocessReport
    public var dropped: [DroppedRow]
    public var limit: Double
    public var source: String

    public var description: String {
        let share = Double(report.lostRows) / Double(max(report.inputRows, 1))
        let worst = report.rules.filter { PreprocessRule.dataLoss.contains($0.name) && $0.rows > 0 }
            .map { "\($0.name) \($0.rows)" }.joined(separator: ", ")
        let example = report.rules.first { PreprocessRule.dataLoss.contains($0.name) && $0.rows > 0 }?.examples?.first
        return "\(source): preprocessing would drop \(report.lostRows) of \(report.inputRows) rows "
            + String(format: "(%.1f %%, above preprocess.max_dropped %g): ", share * 100, limit) + worst
            + (example.map { "; e.g. \($0)" } ?? "")
            + " (hint: fix the column mapping in data.interactions or the file; dropped_rows.jsonl lists every row; "
            + "raise preprocess.max_dropped to accept the loss)"
    }
}

/// Turns an `InteractionLog` into a clean `RatingSet`, applying the rules in a fixed order and
/// counting what each touched: missing values, unparsable values, unknown items, out-of-range
/// ratings (before deduplication, so a corrupt repeat never displaces a valid rating), exact
/// duplicate rows, repeated ratings of one (user, item), minimum counts.
public enum Preprocessor {
    public static func run(_ log: InteractionLog, catalogItemIds: [String], options: PreprocessOptions)
        throws -> (RatingSet, PreprocessReport)
    {
        let (set, report, _) = try runListingDropped(log, catalogItemIds: catalogItemIds, options: options)
        return (set, report)
    }

    /// `run`, plus every row a rule dropped or changed. Throws `TooManyDropped` when the rows
    /// lost to bad data exceed `options.maxDropped` of the input.
    public static func runListingDropped(_ log: InteractionLog, catalogItemIds: [String], options: PreprocessOptions)
        throws -> (RatingSet, PreprocessReport, [DroppedRow])
    {
        var rules: [PreprocessRule] = []
        var dropped: [DroppedRow] = []
        let file = URL(fileURLWithPath: log.source).lastPathComponent
        func note(_ rule: String, _ r: Int, _ column: String, _ value: String?) {
            dropped.append(DroppedRow(rule: rule, file: file, line: log.lines[r], column: column, value: value ?? ""))
        }
        func rule(_ name: String, _ rows: Int, _ action: String) -> PreprocessRule {
            let examples = dropped.lazy.filter { $0.rule == name }.prefix(3).map { "\($0.file):\($0.line): \($0.column) '\($0.value)'" }
            return PreprocessRule(name: name, rows: rows, action: action, examples: rows > 0 ? Array(examples) : nil)
        }
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
                note("missing_values", r, column, "")
            } else {
                keep.append(r)
            }
        }
        rules.append(rule("missing_values", missing, "dropped"))

        // 2. Unparsable ratings or timestamps.
        var rating = [Float](repeating: 0, count: log.count)
        var time = [Double](repeating: 0, count: log.count)
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
        rules.append(rule("unparsable_values", unparsable, "dropped"))

        // 3. Items that are not in the catalog.
        var itemIndex: [String: Int32] = [:]
        for (i, id) in catalogItemIds.enumerated() where itemIndex[id] == nil { itemIndex[id] = Int32(i) }
        let before = keep.count
        keep = keep.filter { r in
            if itemIndex[log.items[r]!] != nil { return true }
            note("unknown_items", r, "item", log.items[r])
            return false
        }
        rules.append(rule("unknown_items", before - keep.count, "dropped"))

        // 4. Ratings outside the configured range.
        if let range = options.ratingRange {
            var touched = 0
            keep = keep.filter { r in
                let v = Double(rating[r])
                guard !range.contains(v) else { return true }
                touched += 1
                note("out_of_range", r, "rating", log.ratings[r])
                if options.outOfRange == .clip { rating[r] = Float(min(max(v, range.lowerBound), range.upperBound)) }
                return options.outOfRange == .clip
            }
            rules.append(rule("out_of_range", touched, options.outOfRange == .clip ? "clipped" : "dropped"))
        }

        // 5. Exact duplicate rows, then 6. repeated ratings of one (user, item).
        var seenRows = Set<RowKey>()
        let beforeExact = keep.count
        keep = keep.filter { r in
            if seenRows.insert(RowKey(user: log.users[r]!, item: log.items[r]!, rating: rating[r], time: time[r])).inserted { return true }
            note("exact_duplicates", r, "rating", log.ratings[r])
            return false
        }
        rules.append(rule("exact_duplicates", beforeExact - keep.count, "dropped"))
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
            keep = keep.filter { r in
                if winners.contains(r) { return true }
                note("repeated_ratings", r, "rating", log.ratings[r])
                return false
            }
            rules.append(rule("repeated_ratings", beforeRepeat - keep.count, "kept \(options.deduplicate.rawValue)"))
        }

        // 7. Minimum ratings per user and per item (one pass each, users first).
        if options.minUserRatings > 0 {
            var counts: [String: Int] = [:]
            for r in keep { counts[log.users[r]!, default: 0] += 1 }
            let before = keep.count
            keep = keep.filter { r in
                if counts[log.users[r]!]! >= options.minUserRatings { return true }
                note("min_user_ratings", r, "user", log.users[r])
                return false
            }
            rules.append(rule("min_user_ratings", before - keep.count, "dropped"))
        }
        if options.minItemRatings > 0 {
            var counts: [String: Int] = [:]
            for r in keep { counts[log.items[r]!, default: 0] += 1 }
            let before = keep.count
            keep = keep.filter { r in
                if counts[log.items[r]!]! >= options.minItemRatings { return true }
                note("min_item_ratings", r, "item", log.items[r])
                return false
            }
            rules.append(rule("min_item_ratings", before - keep.count, "dropped"))
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
        let report = PreprocessReport(inputRows: log.count, outputRows: keep.count, rules: rules)
        if Double(report.lostRows) > options.maxDropped * Double(log.count) {
            throw TooManyDropped(report: report, dropped: dropped, limit: options.maxDropped, source: log.source)
        }
        return (set, report, dropped)
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

/// Whether a text is a timestamp preprocessing accepts (`pipeline validate` samples the file).
/// Build one and ask it many times: it holds the ISO 8601 formatters.
public struct TimestampText {
    private let parser = TimestampParser()
    public init() {}
    public func parses(_ text: String) -> Bool { parser.seconds(text) != nil }
}
