import Foundation
import TensorCore
import Testing
@testable import TextFeatures

/// Ill-formed and extreme inputs only: each gets a defined result or a clear error naming the item.
@Suite struct TextFailureTests {
    static let train = ["wireless headphones with case", "wireless speaker", "leather case", "the case of the speaker"]
        .enumerated().map { TextDocument(item: "train\($0.offset)", text: $0.element) }

    func fitted(_ configure: (inout TextOptions) -> Void = { _ in }) throws -> TextVectorizer {
        var options = TextOptions()
        configure(&options)
        return try TextVectorizer.fit(Self.train, options: options)
    }

    @Test func emptyAndBlankTextGiveAnEmptyBag() throws {
        let v = try fitted()
        for text in ["", "   \n\t", "!!! … ???", "a b c"] {
            let bag = try v.transform(TextDocument(item: "x", text: text)).get()
            #expect(bag.isEmpty && bag.status == .empty && bag.weights.isEmpty, "'\(text)'")
        }
    }

    @Test func missingFieldGivesAMissingBag() throws {
        let v = try fitted()
        let bag = try v.transform(TextDocument(item: "x", text: nil)).get()
        #expect(bag.isEmpty && bag.status == .missing)
        let short = try v.transform(TextDocument(item: "x", fields: [])).get()  // fewer fields than configured
        #expect(short.status == .missing)
    }

    @Test func onlyStopWordsOrUnknownWordsGiveAnEmptyBag() throws {
        let v = try fitted { $0.tokenizer.stopWords = .english }
        #expect(try v.transform(TextDocument(item: "x", text: "The of and with")).get().status == .empty)
        #expect(try v.transform(TextDocument(item: "x", text: "zebra giraffe")).get().status == .empty)
        // With the unknown id, unseen words are not lost.
        let u = try fitted { $0.vocabulary.unknown = true }
        let bag = try u.transform(TextDocument(item: "x", text: "zebra giraffe zebra")).get()
        #expect(bag.ids == [Int32(u.fitted.terms.count)] && bag.status == .present && bag.weights == [1])
    }

    @Test func fittingOnNothingUsefulIsAClearError() throws {
        let docs = [TextDocument(item: "a", text: "the of"), TextDocument(item: "b", text: nil)]
        var options = TextOptions()
        options.tokenizer.stopWords = .english
        #expect(throws: TextFitError.self) { try TextVectorizer.fit(docs, options: options) }
        do { _ = try TextVectorizer.fit(docs, options: options) } catch {
            #expect("\(error)".contains("vocabulary is empty") && "\(error)".contains("hint"))
        }
        options.tokenizer.stopWords = .none
        options.vocabulary.minDF = 3
        #expect(throws: TextFitError.self) { try TextVectorizer.fit(docs, options: options) }
    }

    /// 1 MB of text in one item: truncated at max_tokens by default, or rejected with too_large.
    @Test func oneMegabyteItemIsTruncatedOrRejected() throws {
        let word = "lorem ipsum dolor sit amet "
        let big = String(repeating: word, count: 1_048_576 / word.utf8.count + 1)
        #expect(big.utf8.count >= 1_048_576)
        let v = try fitted()
        let bag = try v.transform(TextDocument(item: "huge", text: big + " wireless")).get()
        #expect(bag.truncated && bag.status == .empty)  // cut at 100 000 tokens, before "wireless"

        let reject = try fitted { $0.onTooManyTokens = .reject }
        let result = reject.transform(TextDocument(item: "huge", text: big))
        #expect(throws: ItemError.self) { try result.get() }
        if case .failure(let e) = result {
            #expect(e.failureClass == .tooLarge && e.source == "item 'huge' column 'description'")
            #expect(e.description.hasPrefix("too_large: item 'huge' column 'description': more than 100000 tokens"), "\(e)")
        }
        var options = TextOptions()
        options.maxTokens = 3
        let (_, bags) = try TextVectorizer.fitTransform(Self.train, options: options)
        #expect(try bags[0].get().truncated && !(try bags[1].get().truncated))
    }

    @Test func invalidUTF8IsRejectedWithItsOffsetOrReplaced() throws {
        let bytes: [UInt8] = Array("café ".utf8) + [0xFF, 0xFE] + Array(" ok".utf8)
        let source = "items.csv:12 column 'title'"
        #expect(throws: ItemError.self) { try TextDecoding.decode(bytes, source: source, policy: .reject) }
        do { _ = try TextDecoding.decode(bytes, source: source, policy: .reject) } catch {
            #expect(error.failureClass == .corrupt)
            #expect(error.description == "corrupt: items.csv:12 column 'title': not valid UTF-8 at byte 6 (bytes FF FE 20 6F) (hint: re-save the items file as UTF-8, or set features.text.invalid_utf8: replace)")
        }
        let replaced = try TextDecoding.decode(bytes, source: source, policy: .replace)
        #expect(replaced == "café \u{FFFD}\u{FFFD} ok")
        let t = try Tokenizer(TokenizerOptions())
        #expect(t.tokens(replaced) == ["café", "ok"])
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] {
            #expect(TextDecoding.firstInvalidOffset(Array("abcdefghij".utf8) + bad) == 10, "\(bad)")
        }
        #expect(TextDecoding.firstInvalidOffset(Array("ok ✓ 😀 ünïcödé 中文".utf8)) == nil)
    }

    @Test func invalidOptionsListEveryProblem() {
        var options = TextOptions()
        options.fields = [.init(name: "a", weight: 0), .init(name: "a")]
        options.tokenizer.ngramRange = 0...9
        options.vocabulary.maxDF = 1.5
        options.maxTokens = 0
        let problems = options.problems()
        #expect(problems.count == 5)
        #expect(problems.contains("features.text.vocabulary.max_df: 1.5 is out of range; expected 1e-06 to 1"), "\(problems)")
        #expect(throws: TextOptionsError.self) { try TextVectorizer.fit(Self.train, options: options) }
        var custom = TokenizerOptions()
        custom.tokenPattern = "([a-z"
        #expect(custom.problems().count == 2)  // not a regex, and cjk must be none
    }
}
