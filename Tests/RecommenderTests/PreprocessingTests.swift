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
}
