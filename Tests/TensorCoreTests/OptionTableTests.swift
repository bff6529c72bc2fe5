import Foundation
import TensorCore
import Testing

/// A small option set with one key of each kind the real tables use.
struct SampleOptions: KeyedOptions, Equatable {
    enum Mode: String, CaseIterable, Codable, OptionChoice { case fast, exact }

    struct Inner: KeyedOptions, Equatable {
        var level = 3
        static let keys = OptionTable<Inner>([.int("level", \.level, range: 1...5, doc: "Level.")])
    }

    var mode = Mode.fast
    var count = 2
    var limit: Double? = 10
    var sizes = [1, 2]
    var inner = Inner()
    var extra: Inner? = nil

    static let keys = OptionTable<SampleOptions>(writesNull: true, [
        // Like audio's preset: choosing `exact` resets the keys after it.
        .choice("mode", \.mode, doc: "Mode.", then: { if $0.mode == .exact { $0.count = 5 } }),
        .int("count", \.count, range: 1...9, doc: "Count."),
        .optionalDouble("limit", \.limit, range: 0...100, doc: "Limit."),
        .intList("sizes", \.sizes, range: 0...9, count: 2...2, doc: "Sizes.", check: { s in
            s.count == 2 && s[0] > s[1] ? [OptionProblem("min above max", hint: "swap them")] : []
        }),
        .section("inner", \.inner, Inner.keys, doc: "Inner."),
        .optionalSection("extra", \.extra, empty: Inner(), Inner.keys, doc: "Extra."),
    ])
}

@Suite struct OptionTableTests {
    func decode(_ json: String) throws -> SampleOptions { try JSONDecoder().decode(SampleOptions.self, from: Data(json.utf8)) }

    @Test func missingKeysKeepTheirDefaultsAndTableOrderDecides() throws {
        #expect(try decode("{}") == SampleOptions())
        let exact = try decode(#"{"mode": "exact", "inner": {"level": 4}}"#)
        #expect(exact.count == 5 && exact.inner.level == 4 && exact.extra == nil)
        // `count` comes after `mode` in the table, whatever the order in the JSON.
        #expect(try decode(#"{"count": 7, "mode": "exact"}"#).count == 7)
        let nulls = try decode(#"{"limit": null, "extra": {}}"#)
        #expect(nulls.limit == nil && nulls.extra == SampleOptions.Inner())
    }

    @Test func encodingSpellsNilAsNullAndRoundTrips() throws {
        var s = SampleOptions()
        s.limit = nil
        s.extra = .init(level: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(s), as: UTF8.self)
        #expect(json == #"{"count":2,"extra":{"level":1},"inner":{"level":3},"limit":null,"mode":"fast","sizes":[1,2]}"#)
        #expect(try decode(json) == s)
        #expect(SampleOptions.keys.names == ["mode", "count", "limit", "sizes", "inner", "extra"])
    }

    @Test func unknownKeysAndFailedListChecksAreDecodingErrors() {
        let cases = [(#"{"cout": 1}"#, "unknown key 'cout'"), (#"{"inner": {"lvl": 1}}"#, "unknown key 'lvl'"),
                     (#"{"sizes": [3, 1]}"#, "min above max (swap them)"), (#"{"sizes": [1]}"#, "has 1 entries")]
        for (json, expected) in cases {
            do {
                _ = try decode(json)
                Issue.record("\(json) was accepted")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    @Test func validationNamesEveryValueOutsideItsRange() {
        var s = SampleOptions()
        s.count = 0; s.limit = 101; s.sizes = [1, 20]; s.inner.level = 9; s.extra = .init(level: 0)
        #expect(SampleOptions.keys.problems(s, prefix: "x") == [
            "x.count: 0 is out of range; expected 1 to 9",
            "x.limit: 101.0 is out of range; expected 0 to 100, or null",
            "x.sizes: [1, 20] is out of range; expected exactly 2 entries, each 0 to 9",
            "x.inner.level: 9 is out of range; expected 1 to 5",
            "x.extra.level: 0 is out of range; expected 1 to 5",
        ])
        #expect(SampleOptions.keys.problems(SampleOptions()).isEmpty)
    }
}
