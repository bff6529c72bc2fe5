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
        let pass = PreprocessPass(log, catalogItemIds: catalogItemIds, options: options)
        try pass.dropMissingValues()
        try pass.parseValues()
        pass.dropUnknownItems()
        pass.applyRatingRange()
        pass.dropExactDuplicates()
        pass.dropRepeatedRatings()
        // Minimum counts: one pass each, users first.
        pass.dropBelowMinimum(options.minUserRatings, of: log.users, rule: "min_user_ratings", column: "user")
        pass.dropBelowMinimum(options.minItemRatings, of: log.items, rule: "min_item_ratings", column: "item")
        let set = pass.ratingSet()
        let report = PreprocessReport(inputRows: log.count, outputRows: pass.keep.count, rules: pass.rules)
        if Double(report.lostRows) > options.maxDropped * Double(log.count) {
            throw TooManyDropped(report: report, dropped: pass.dropped, limit: options.maxDropped, source: log.source)
        }
        return (set, report, pass.dropped)
    }
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
