import Foundation
import TestSupport
import Testing
@testable import FeaturePipeline

/// The streaming reader returns, block after block, exactly what the whole-file readers return.
@Suite struct TableStreamTests {
    /// Quotes, doubled quotes, a quoted newline, CRLF, a blank line, invalid UTF-8, a byte order
    /// mark: every byte whose meaning depends on the next one lands on a block boundary somewhere.
    static let csv: [UInt8] = [0xEF, 0xBB, 0xBF]
        + Array("item_id,title,\"note\"\r\na1,\"Hello, \"\"world\"\"\",x\r\na2,\"two\r\nlines\",\r\n\r\na3,,\"q\"\r\n".utf8)
        + Array("a4,caf".utf8) + [0xC3] + Array(",end\na5,\"\",\"\"\n".utf8)

    static let jsonl = Array("""
        {"item_id": "a1", "title": "x"}
           
        {"item_id": "a2", "genres": ["a", "b"], "n": 3}
        {"item_id": "a3", "late": true}
        """.utf8)

    static func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = Repository.temporaryDirectory("stream").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    static func streamed(_ url: URL, blockSize: Int) throws -> DataTable {
        try DataTable.readStreamed(url, format: .auto, blockSize: blockSize)
    }

    @Test(arguments: ["items.csv", "items.jsonl"], [1, 2, 3, 5, 64, 1 << 20])
    func blocksGiveTheWholeFilesTable(name: String, blockSize: Int) throws {
        let url = try Self.write(name.hasSuffix("csv") ? Self.csv : Self.jsonl, name)
        let expected = try DataTable.read(url, format: .auto)
        let actual = try Self.streamed(url, blockSize: blockSize)
        #expect(actual.columns == expected.columns)
        #expect(actual.rows == expected.rows)
        #expect(actual.lines == expected.lines)
        #expect(actual.invalidUTF8.map { [$0.row, $0.column] } == expected.invalidUTF8.map { [$0.row, $0.column] })
        #expect(expected.rows.count == (name.hasSuffix("csv") ? 5 : 3))  // the fixture is what it claims
    }

    @Test(arguments: [1, 4, 1 << 20])
    func errorsAreTheWholeFilesErrors(blockSize: Int) throws {
        for (bytes, name) in [(Array("a,b\n1,2\n1,2,3\n".utf8), "wide.csv"), (Array("a\n\"open\n".utf8), "open.csv"),
                              (Array("{\"a\": 1}\n[1]\n".utf8), "list.jsonl"), (Array("".utf8), "empty.csv")] {
            let url = try Self.write(bytes, name)
            var whole: String?
            do { _ = try DataTable.read(url, format: .auto) } catch { whole = "\(error)" }
            var streamed: String?
            do { _ = try Self.streamed(url, blockSize: blockSize) } catch { streamed = "\(error)" }
            #expect(whole != nil && streamed == whole, "\(name)")
        }
    }
    /// A filtered reader (a shard's): rows whose key the filter rejects end at the key; every
    /// other row, line, invalid-UTF-8 position and error is the whole file's.
    @Test(arguments: [1, 3, 1 << 20])
    func filteredRowsAreWholeOrCutAfterTheirKey(blockSize: Int) throws {
        let bytes = Array("title,item_id,note\nt1, k1 ,n1\n\"t,2\",x2,\"n\n2\"\n\nt3,k3,caf".utf8) + [0xC3]
            + Array("\nt4,x4,caf".utf8) + [0xC3] + Array("\nt5,,n5\n".utf8)
        let url = try Self.write(bytes, "keyed.csv")
        let whole = try DataTable.read(url, format: .auto)
        let stream = try TableStream(url, format: .auto, blockSize: blockSize,
                                     filter: CSVParser.RowFilter(column: "item_id", keeps: { $0.hasPrefix("k") }))
        var rows: [[String?]] = [], lines: [Int] = [], bad: [[Int]] = []
        while let part = try stream.next() {
            bad += part.invalidUTF8.map { [rows.count + $0.row, $0.column] }
            rows += part.rows
            lines += part.lines
        }
        #expect(whole.rows.count == 5 && lines == whole.lines)
        for (r, row) in rows.enumerated() {
            let key = row[1]?.trimmingCharacters(in: .whitespaces) ?? ""
            if key.isEmpty || key.hasPrefix("k") {
                #expect(row == whole.rows[r], "row \(r)")
            } else {
                #expect(row == Array(whole.rows[r].prefix(2)), "row \(r)")
            }
        }
        #expect(rows[0] == ["t1", " k1 ", "n1"] && rows[1] == ["t,2", "x2"])
        #expect(bad == [[2, 2]])  // k3's note; x4's is not decoded
        #expect(whole.invalidUTF8.map { [$0.row, $0.column] } == [[2, 2], [3, 2]])

        let wide = try Self.write(Array("a,id\n1,x,3\n".utf8), "wide.csv")
        let rejected = try TableStream(wide, format: .auto, filter: CSVParser.RowFilter(column: "id", keeps: { _ in false }))
        #expect(throws: (any Error).self) { _ = try rejected.next() }
    }
}
