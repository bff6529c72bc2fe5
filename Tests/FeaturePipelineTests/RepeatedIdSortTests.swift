import Foundation
import TensorCore
import Testing
@testable import FeaturePipeline

/// A shard's first pass finds the repeated ids by sorting (id, row) pairs on disk instead of
/// remembering the ids: the same rows as a set of ids finds, whatever the runs and the fan-in of
/// their merge, and no run file is left behind.
@Suite struct RepeatedIdSortTests {
    /// 3 000 rows over about 1 200 ids: short and long (not inline) ids, and "café" written with
    /// é and with e + U+0301, which Swift's strings (and so the in-memory check) take for one id.
    static let ids: [String] = {
        var rng = SeededGenerator(seed: 18)
        return (0..<3000).map { _ in
            let k = Int(rng.next() % 1200)
            switch k % 7 {
            case 0: return k % 2 == 0 ? "caf\u{E9}" : "cafe\u{301}"
            case 1: return "a-rather-long-item-identifier-\(k)"
            default: return "i\(k)"
            }
        }
    }()

    @Test(arguments: zip([1 << 20, 300, 1], [64, 2, 3]))
    func sortedRunsFindTheRowsASetFinds(runBytes: Int, fanIn: Int) throws {
        let dir = TestDirectory()
        var seen = Set<String>()
        let expected = Self.ids.indices.filter { !seen.insert(Self.ids[$0]).inserted }
        #expect(expected.count > 1500 && Self.ids.contains("caf\u{E9}") && Self.ids.contains("cafe\u{301}"))
        let sort = RepeatedIdSort(folder: dir.root, runBytes: runBytes, fanIn: fanIn)
        for (row, id) in Self.ids.enumerated() { try sort.add(id, row: 2 * row + 1) }  // rows need not be contiguous
        let found = try sort.repeatedRows()
        #expect(found.map(\.row) == expected.map { 2 * $0 + 1 })
        #expect(found.allSatisfy { $0.id.utf8.elementsEqual(Self.ids[($0.row - 1) / 2].utf8) }, "each repeat names its own id")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.root.path).isEmpty, "the runs are removed")
    }

    /// A pass that sorts admits no row, then settles on the verdicts of a pass that remembers the
    /// ids: the same rejected rows, item count and kept count; a replay with `keeps` then hands the
    /// kept items with their catalog-wide indices.
    @Test func aSortingPassSettlesOnTheRememberedVerdicts() throws {
        let rows = ["item_id,title"] + Self.ids.prefix(400).enumerated().map { i, id in i % 13 == 5 ? ",no id" : "\(id),t\(i)" }
        let table = try CSVReader.read(Array((rows.joined(separator: "\n") + "\n").utf8), source: "items.csv")
        let spec = try PipelineSpec.parse("data: {items: {path: items.csv}, interactions: {path: r.csv}}\n",
                                          file: URL(fileURLWithPath: "/tmp/p.yaml"))
        let keeps = { (id: String) in id.hasSuffix("1") || id.hasPrefix("caf") }
        func admit(_ admission: inout ItemAdmission) throws -> (Catalog, LoadReport) {
            var catalog = Catalog(source: "items.csv", ids: [], columns: table.columns, values: [], lines: [], invalidUTF8: [:])
            var report = LoadReport()
            for start in stride(from: 0, to: table.rows.count, by: 64) {
                var block = DataTable(source: "items.csv", columns: table.columns)
                block.rows = Array(table.rows[start..<min(start + 64, table.rows.count)])
                block.lines = Array(table.lines[start..<min(start + 64, table.rows.count)])
                try admission.admit(block, idColumn: 0, into: &catalog, report: &report)
            }
            try admission.finish("items.csv", spec.data, report: &report)
            return (catalog, report)
        }
        var remembering = ItemAdmission()
        let (whole, wholeReport) = try admit(&remembering)
        let dir = TestDirectory()
        var sorting = ItemAdmission(sortingIn: dir.root)
        sorting.keeps = keeps
        let (none, report) = try admit(&sorting)
        #expect(none.count == 0, "a sorting pass admits no row into a catalog")
        #expect(sorting.duplicateRows == remembering.duplicateRows && !sorting.duplicateRows.isEmpty)
        #expect(sorting.count == whole.count && report.duplicateItemIds == wholeReport.duplicateItemIds)
        let keptIndices = whole.ids.indices.filter { keeps(whole.ids[$0]) }
        #expect(sorting.kept == keptIndices.count && keptIndices.count > 10)

        var replay = ItemAdmission(replaying: sorting.duplicateRows)
        replay.keeps = keeps
        let (shard, _) = try admit(&replay)
        #expect(shard.ids == keptIndices.map { whole.ids[$0] } && replay.keptItems == keptIndices)
        #expect(shard.values == keptIndices.map { whole.values[$0] } && replay.count == whole.count)
    }
}
