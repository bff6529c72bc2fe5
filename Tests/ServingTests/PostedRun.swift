import FeaturePipeline
import Foundation
import TestSupport

/// A copy of the served run that tests may post items to (the shared run must stay as trained:
/// other suites compare its answers with the offline API), and the offline check of a new item:
/// the served pipeline over a catalog with the item's row added, which `predict --catalog`,
/// `recommend --catalog` and `extract --model` read.
struct PostedRun {
    let root: URL
    let folder: URL

    /// The row every test posts: a title of the catalog's words and a genre.
    static let row: [String: String] = ["item_id": "new1", "title": "tone1 shade2 beat0 tone3", "genre": "jazz"]
    static let csvRow = "new1,tone1 shade2 beat0 tone3,jazz"

    /// A copy of `original` (the served run by default).
    init(of original: URL? = nil) throws {
        root = Repository.temporaryDirectory("posted-run")
        folder = root.appendingPathComponent("run")
        try FileManager.default.copyItem(at: original ?? ServedRun.folder(), to: folder)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    var store: ItemStore { ItemStore(run: folder) }

    /// The served pipeline with its items file plus `PostedRun.row` (a cold item: nobody rated it).
    func extendedSpec() throws -> PipelineSpec {
        let data = try ServedRun.folder().deletingLastPathComponent()
        var spec = try PipelineSpec.load(data.appendingPathComponent("served.yaml"))
        let items = root.appendingPathComponent("items-plus-one.csv")
        let catalog = try String(contentsOf: data.appendingPathComponent("items.csv"), encoding: .utf8)
        try (catalog + Self.csvRow + "\n").write(to: items, atomically: true, encoding: .utf8)
        spec.data.items.path = items
        return spec
    }
}
