@testable import FeaturePipeline
import Foundation
import Recommender
import TestSupport
import Testing

@Suite struct CSVReaderTests {
    func read(_ text: String) throws -> DataTable { try CSVReader.read(Array(text.utf8), source: "t.csv") }

    @Test func quotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let t = try read("id,title,price\r\n1,\"Hello, \"\"world\"\"\",3\r\n2,\"two\nlines\",\n\n3,,\"\"\n")
        #expect(t.columns == ["id", "title", "price"])
        #expect(t.rows.count == 3)
        #expect(t.rows[0] == ["1", "Hello, \"world\"", "3"])
        #expect(t.rows[1] == ["2", "two\nlines", nil])
        #expect(t.rows[2] == ["3", nil, ""], "an empty quoted field is an empty string, an empty bare field is missing")
        #expect(t.lines == [2, 3, 6], "lines count the embedded line break and the blank line")
    }

    @Test func byteOrderMarkAndNoFinalNewline() throws {
        let t = try CSVReader.read([0xEF, 0xBB, 0xBF] + Array("a,b\n1,2".utf8), source: "t.csv")
        #expect(t.columns == ["a", "b"] && t.rows == [["1", "2"]])
    }

    @Test func invalidUTF8IsKeptWithReplacementAndReported() throws {
        let bytes = Array("id,text\n1,caf".utf8) + [0xC3, 0x28] + Array("\n2,ok\n".utf8)
        let t = try CSVReader.read(bytes, source: "t.csv")
        #expect(t.rows[0][1] == "caf\u{FFFD}(")
        #expect(t.invalidUTF8.count == 1 && t.invalidUTF8[0] == (0, 1))
        #expect(t.rows[1] == ["2", "ok"])
    }

    @Test func errorsNameTheFileAndLine() {
        #expect(throws: DataError(file: "t.csv", line: 3, message: "row has 3 fields but the header has 2",
                                  hint: "quote fields that contain the delimiter, e.g. \"a, b\"")) {
            try read("a,b\n1,2\n1,2,3\n")
        }
        #expect(throws: DataError(file: "t.csv", line: 2, message: "a quoted field is never closed", hint: "add the closing double quote")) {
            try read("a,b\n1,\"open\n")
        }
        #expect(throws: DataError.self) { try read("") }
    }

    @Test func otherDelimiters() throws {
        let t = try CSVReader.read(Array("a\tb\n1\t2\n".utf8), source: "t.tsv", delimiter: 0x09)
        #expect(t.rows == [["1", "2"]])
    }
}

@Suite struct JSONLinesReaderTests {
    @Test func typesBecomeTextAndListsJoin() throws {
        let text = """
            {"id": "a", "rating": 4.5, "count": 3, "new": true, "genres": ["Comedy", "Drama"], "note": null}

            {"id": "b", "extra": "x"}
            """
        let t = try JSONLinesReader.read(Array(text.utf8), source: "t.jsonl")
        let column = { (name: String) in t.values(t.columns.firstIndex(of: name)!) }
        #expect(column("id") == ["a", "b"])
        #expect(column("rating") == ["4.5", nil] && column("count") == ["3", nil] && column("new") == ["true", nil])
        #expect(column("genres") == ["Comedy|Drama", nil] && column("note") == [nil, nil] && column("extra") == [nil, "x"])
        #expect(t.lines == [1, 3])
    }

    @Test func badLinesAreReportedWithTheirNumber() {
        #expect(throws: DataError(file: "t.jsonl", line: 2, message: "not valid JSON (or not valid UTF-8)",
                                  hint: "each line must be one JSON object such as {\"item_id\": \"a1\", \"title\": \"…\"}")) {
            try JSONLinesReader.read(Array("{\"a\": 1}\n{oops\n".utf8), source: "t.jsonl")
        }
        #expect(throws: DataError.self) { try JSONLinesReader.read(Array("[1, 2]\n".utf8), source: "t.jsonl") }
        #expect(throws: DataError.self) { try JSONLinesReader.read(Array("{\"a\": {\"b\": 1}}\n".utf8), source: "t.jsonl") }
    }
}

@Suite struct DataLoaderTests {
    @Test func aMisnamedColumnSuggestsTheNearest() throws {
        let dir = TestDirectory()
        try "item_id,title\ni1,x\n".write(to: dir.url("items.csv"), atomically: true, encoding: .utf8)
        let spec = try PipelineSpec.parse("data: {items: {path: items.csv, id: itemid}, interactions: {path: r.csv}}\n",
                                          file: dir.url("p.yaml"))
        var report = LoadReport()
        #expect(throws: DataError(file: dir.url("items.csv").path, column: "itemid",
                                  message: "no column 'itemid' (configured as the item id by data.items.id); the file has: item_id, title",
                                  hint: "did you mean 'item_id'? set data.items.id: item_id")) {
            try DataLoader.loadCatalog(spec.data, report: &report)
        }
    }

    @Test func duplicateAndEmptyIdsAreCounted() throws {
        let dir = TestDirectory()
        try "item_id,title\ni1,a\n,b\ni1,c\ni2,d\n".write(to: dir.url("items.csv"), atomically: true, encoding: .utf8)
        let spec = try PipelineSpec.parse("data: {items: {path: items.csv}, interactions: {path: r.csv}}\n", file: dir.url("p.yaml"))
        var report = LoadReport()
        let catalog = try DataLoader.loadCatalog(spec.data, report: &report)
        #expect(catalog.ids == ["i1", "i2"] && report.duplicateItemIds == 1 && report.emptyItemIds == 1)
        #expect(catalog.value(item: 0, column: 1) == "a", "the first row of a repeated id wins")
    }

    /// A later pass of `pipeline extract` admits rows by the first pass's verdicts (the rows it
    /// rejected as repeated ids) instead of remembering ids: same items, values and counts,
    /// whatever the blocks the rows arrive in.
    @Test func aReplayedPassAdmitsTheRowsTheFirstPassAdmitted() throws {
        let rows = ["item_id,title"] + (0..<60).map { i in i % 11 == 4 ? ",empty" : "i\((i * 7) % 23),t\(i)" }
        let table = try CSVReader.read(Array((rows.joined(separator: "\n") + "\n").utf8), source: "items.csv")
        func admit(_ admission: inout ItemAdmission, blocks: Int) throws -> (Catalog, LoadReport) {
            var catalog = Catalog(source: "items.csv", ids: [], columns: table.columns, values: [], lines: [], invalidUTF8: [:])
            var report = LoadReport()
            let step = (table.rows.count + blocks - 1) / blocks
            for start in stride(from: 0, to: table.rows.count, by: step) {
                var block = DataTable(source: "items.csv", columns: table.columns)
                block.rows = Array(table.rows[start..<min(start + step, table.rows.count)])
                block.lines = Array(table.lines[start..<min(start + step, table.rows.count)])
                try admission.admit(block, idColumn: 0, into: &catalog, report: &report)
            }
            return (catalog, report)
        }
        var first = ItemAdmission()
        let (catalog, report) = try admit(&first, blocks: 1)
        #expect(catalog.ids == first.ids && catalog.ids.count == 23 && Set(catalog.ids).count == 23)
        #expect(report.duplicateItemIds == first.duplicateRows.count && report.duplicateItemIds == 60 - 6 - 23)
        #expect(catalog.value(item: 0, column: 1) == "t0", "the first row of a repeated id wins")
        var replay = ItemAdmission(replaying: first.duplicateRows)
        let (again, againReport) = try admit(&replay, blocks: 7)
        #expect(again == catalog && againReport == report)
        #expect(replay.ids.isEmpty, "a replayed pass keeps no ids")
    }
}

/// A fresh temporary folder (removed when the test process exits: `Repository.scratch`).
struct TestDirectory {
    let root = Repository.temporaryDirectory("tables")
    func url(_ name: String) -> URL { root.appendingPathComponent(name) }
}
