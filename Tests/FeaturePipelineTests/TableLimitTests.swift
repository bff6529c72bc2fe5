import Foundation
@testable import FeaturePipeline
import Recommender
import TestSupport
import Testing

/// Hostile tables: more items than data.max_items, short rows, empty files.
@Suite final class TableLimitTests {
    let folder = Repository.temporaryDirectory("tables")

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A data section whose items file holds `text` (extension `ext`), with `maxItems` set.
    func data(_ text: String, ext: String = "csv", maxItems: Int? = nil) throws -> DataSpec {
        let items = folder.appendingPathComponent("items.\(ext)")
        try Data(text.utf8).write(to: items)
        let limit = maxItems.map { ", max_items: \($0)" } ?? ""
        let yaml = "data: {items: {path: items.\(ext)}, interactions: {path: ratings.csv}\(limit)}\n"
        return try PipelineSpec.parse(yaml, file: folder.appendingPathComponent("p.yaml")).data
    }

    func loadError(_ data: DataSpec) -> DataError? {
        var report = LoadReport()
        do {
            _ = try DataLoader.loadCatalog(data, report: &report)
            return nil
        } catch {
            return error as? DataError
        }
    }

    @Test func moreItemsThanMaxItemsAreRefusedAtTheFirstRowOver() throws {
        let csv = "item_id,title\n" + (1...5).map { "i\($0),title \($0)\n" }.joined()
        let error = try #require(loadError(try data(csv, maxItems: 3)))
        #expect(error.line == 5, "the fourth item row is line 5: reading stops there")
        #expect(error.description == "\(folder.path)/items.csv:5: more than 3 rows, the limit set by data.max_items (hint: raise data.max_items if the file is genuine)")
        #expect(loadError(try data(csv, maxItems: 5)) == nil)

        let jsonl = (1...5).map { "{\"item_id\": \"i\($0)\"}\n" }.joined()
        #expect(try #require(loadError(try data(jsonl, ext: "jsonl", maxItems: 4))).line == 5)
        #expect(loadError(try data(jsonl, ext: "jsonl", maxItems: 5)) == nil)
    }

    @Test func maxItemsIsValidated() throws {
        let yaml = "data: {items: {path: i.csv}, interactions: {path: r.csv}, max_items: 0}\n"
        #expect(throws: SpecError.self) { try PipelineSpec.parse(yaml, file: folder.appendingPathComponent("p.yaml")) }
        let spec = try PipelineSpec.parse("data: {items: {path: i.csv}, interactions: {path: r.csv}}\n", file: folder.appendingPathComponent("p.yaml"))
        #expect(spec.data.maxItems == 10_000_000)
    }

    /// Found by fuzzing: a row with fewer fields than the id column's position crashed loading.
    @Test func shortRowsHaveEmptyTrailingFields() throws {
        var report = LoadReport()
        let catalog = try DataLoader.loadCatalog(try data("title,item_id,genre\nonly a title\nsecond,i2\nthird,i3,drama\n"), report: &report)
        #expect(catalog.ids == ["i2", "i3"])
        #expect(report.emptyItemIds == 1)
        #expect(catalog.values == [["second", "i2", nil], ["third", "i3", "drama"]])
    }

    @Test func anEmptyItemsFileIsAnError() throws {
        #expect(loadError(try data(""))?.message == "the file is empty")
        #expect(loadError(try data("", ext: "jsonl")) != nil)
    }
}
