import Recommender
import Testing

@Suite struct PreprocessingTests {
    /// One row per rule, plus clean rows; line numbers start at 2 (after the header).
    func log(_ rows: [(String?, String?, String?, String?)]) -> InteractionLog {
        var log = InteractionLog(source: "ratings.csv")
        for (k, r) in rows.enumerated() {
            log.append(user: r.0, item: r.1, rating: r.2, timestamp: r.3, splitTag: nil, line: k + 2)
        }
        return log
    }

    let catalog = ["a", "b", "c"]

    @Test func everyRuleCountsWhatItTouched() throws {
        let input = log([
            ("u1", "a", "4", "10"),
            ("u1", "a", "4", "10"),  // exact duplicate
            ("u1", "a", "2", "20"),  // later rating of the same pair wins
            ("u2", "b", nil, "5"),  // missing rating
            ("u2", "b", "abc", "5"),  // unparsable
            ("u2", "zz", "3", "5"),  // unknown item
            ("u2", "c", "9", "5"),  // out of range
            ("u3", "b", "5", "1"),
        ])
        var options = PreprocessOptions()
        options.ratingRange = 1...5
        options.maxDropped = 1
        let (set, report) = try Preprocessor.run(input, catalogItemIds: catalog, options: options)
        #expect(report.inputRows == 8 && report.outputRows == 2)
        let counts = Dictionary(uniqueKeysWithValues: report.rules.map { ($0.name, $0.rows) })
        #expect(counts == ["missing_values": 1, "unparsable_values": 1, "unknown_items": 1, "exact_duplicates": 1,
                           "repeated_ratings": 1, "out_of_range": 1])
        #expect(set.userIds == ["u1", "u3"])
        #expect(set.ratings == [2, 5])
        #expect(set.items == [0, 1])
        #expect(set.itemIds == catalog)
    }

    @Test func keepFirstAndClip() throws {
        let input = log([("u1", "a", "4", "10"), ("u1", "a", "2", "20"), ("u1", "b", "7", "1")])
        var options = PreprocessOptions()
        options.deduplicate = .keepFirst
        options.ratingRange = 1...5
        options.outOfRange = .clip
        let (set, report) = try Preprocessor.run(input, catalogItemIds: catalog, options: options)
        #expect(set.ratings == [4, 5])
        #expect(report.rules.first { $0.name == "out_of_range" }?.action == "clipped")
    }

    @Test func failPolicyNamesTheRowAndColumn() {
        let input = log([("u1", "a", "4", nil), ("u2", nil, "3", nil)])
        var options = PreprocessOptions()
        options.missing = .fail
        #expect(throws: DataError(file: "ratings.csv", line: 3, column: "item", message: "missing item value",
                                  hint: "fill it in, or set preprocess.missing: drop to skip such rows")) {
            try Preprocessor.run(input, catalogItemIds: catalog, options: options)
        }
    }

    @Test func isoTimestampsOrderRepeatedRatings() throws {
        let input = log([("u1", "a", "1", "2024-05-02T00:00:00Z"), ("u1", "a", "5", "2024-05-01")])
        let (set, _) = try Preprocessor.run(input, catalogItemIds: catalog, options: PreprocessOptions())
        #expect(set.ratings == [1])
        #expect(set.timestamps == [1_714_608_000])
    }

    @Test func minimumCountsDropSparseUsersAndItems() throws {
        let input = log([("u1", "a", "4", nil), ("u1", "b", "4", nil), ("u2", "a", "3", nil)])
        var options = PreprocessOptions()
        options.minUserRatings = 2
        let (set, report) = try Preprocessor.run(input, catalogItemIds: catalog, options: options)
        #expect(set.userIds == ["u1"] && set.count == 2)
        #expect(report.rules.last?.name == "min_user_ratings" && report.rules.last?.rows == 1)
    }

    /// Every dropped row is listed with its rule, line, column and value; each rule keeps its
    /// first examples for the warning and the run summary.
    @Test func droppedRowsAreListedWithTheirLines() throws {
        let input = log([
            ("u1", "a", "4", "10"), ("u1", "a", "4", "10"), ("u2", "b", "abc", "5"), ("u2", "c", "x", "5"),
            ("u2", "b", "3", "soon"), ("u2", "zz", "3", "5"), ("u3", "b", "5", "1"),
        ])
        var options = PreprocessOptions()
        options.maxDropped = 1
        let (_, report, dropped) = try Preprocessor.runListingDropped(input, catalogItemIds: catalog, options: options)
        #expect(dropped == [
            DroppedRow(rule: "unparsable_values", file: "ratings.csv", line: 4, column: "rating", value: "abc"),
            DroppedRow(rule: "unparsable_values", file: "ratings.csv", line: 5, column: "rating", value: "x"),
            DroppedRow(rule: "unparsable_values", file: "ratings.csv", line: 6, column: "timestamp", value: "soon"),
            DroppedRow(rule: "unknown_items", file: "ratings.csv", line: 7, column: "item", value: "zz"),
            DroppedRow(rule: "exact_duplicates", file: "ratings.csv", line: 3, column: "rating", value: "4"),
        ])
        let unparsable = try #require(report.rules.first { $0.name == "unparsable_values" })
        #expect(unparsable.examples == ["ratings.csv:4: rating 'abc'", "ratings.csv:5: rating 'x'", "ratings.csv:6: timestamp 'soon'"])
        #expect(report.rules.first { $0.name == "missing_values" }?.examples == nil)
        #expect(report.lostRows == 4, "duplicates are asked for, not lost")
    }

    /// Half the ratings not numbers (a wrong column mapping): above the default 20 % the run stops.
    @Test func losingMoreThanMaxDroppedStops() throws {
        let input = log((0..<10).map { k in ("u\(k)", "a", k % 2 == 0 ? "4" : "n/a", nil) })
        do {
            _ = try Preprocessor.run(input, catalogItemIds: catalog, options: PreprocessOptions())
            Issue.record("no error")
        } catch let error as TooManyDropped {
            #expect(error.report.lostRows == 5 && error.dropped.count == 5)
            #expect(error.description == "ratings.csv: preprocessing would drop 5 of 10 rows (50.0 %, above preprocess.max_dropped 0.2): "
                    + "unparsable_values 5; e.g. ratings.csv:3: rating 'n/a' (hint: fix the column mapping in data.interactions or "
                    + "the file; dropped_rows.jsonl lists every row; raise preprocess.max_dropped to accept the loss)")
        }
        var lenient = PreprocessOptions()
        lenient.maxDropped = 0.5
        #expect(try Preprocessor.run(input, catalogItemIds: catalog, options: lenient).0.count == 5)
    }

    @Test func onUnparsableFailNamesTheRow() {
        let input = log([("u1", "a", "4", nil), ("u2", "b", "four", nil)])
        var options = PreprocessOptions()
        options.onUnparsable = .fail
        #expect(throws: DataError(file: "ratings.csv", line: 3, column: "rating", message: "'four' is not a number",
                                  hint: "ratings must be numbers such as 4 or 3.5, or set preprocess.on_unparsable: drop")) {
            try Preprocessor.run(input, catalogItemIds: catalog, options: options)
        }
    }
}
