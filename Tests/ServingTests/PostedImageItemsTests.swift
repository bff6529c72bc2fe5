import FeaturePipeline
import Foundation
@testable import Serving
import TestSupport
import Testing

/// POST /v1/items with an image path: the path is located under the run's media root as the
/// catalog's are, the image embedded by the run's conv stack as `extract --model` embeds it, and
/// a path that leaves the root, a missing file or a file that is not an image is refused,
/// naming the image column, whatever the pipeline's `on_error`.
@Suite struct PostedImageItemsTests {
    /// The tiny catalog with a title and an image per item (three fixture PNGs under media/),
    /// trained once per test process.
    static let trained: Result<URL, any Error> = Result {
        let dir = Repository.temporaryDirectory("served-image-run")
        atexit { if let run = try? PostedImageItemsTests.trained.get() { try? FileManager.default.removeItem(at: run.deletingLastPathComponent()) } }
        let media = dir.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        for name in images { try FileManager.default.copyItem(at: Repository.fixture("media/images/\(name)"), to: media.appendingPathComponent(name)) }
        try FileManager.default.copyItem(at: Repository.fixture("media/images/bad_text.png"), to: media.appendingPathComponent("bad_text.png"))
        try TinyCatalog.write(to: dir, itemColumns: "title,image") { "tone\($0 % 5) beat\($0 % 3),media/\(images[$0 % 3])" }
        try TinyCatalog.writePipeline(to: dir, name: "served", features: [
            "text: {fields: [title], dim: 8}",
            "image: {field: image, size: [16, 16], layers: [{conv: 4, pool: 2}], on_error: fallback}",
        ])
        var options = RunOptions()
        options.quiet = true
        options.threads = 1
        _ = try PipelineRunner(spec: PipelineSpec.load(dir.appendingPathComponent("served.yaml")), options: options).run()
        return dir.appendingPathComponent("run")
    }

    static let images = ["png_rgb8.png", "png_gray8.png", "png_gray16.png"]

    @Test func anImageItemIsEmbeddedAsExtractEmbedsItsRow() async throws {
        let run = try PostedRun(of: Self.trained.get())
        defer { run.remove() }
        let row = ["item_id": "new1", "title": "tone2 beat1", "image": "media/png_gray8.png"]
        let status = try await ServedRun.withServer(over: run.folder) { client in try await client.post("/v1/items", json: row).status }
        #expect(status == 201)
        let stored = try #require(try run.store.read().items.first)

        let data = try Self.trained.get().deletingLastPathComponent()
        var spec = try PipelineSpec.load(data.appendingPathComponent("served.yaml"))
        let items = data.appendingPathComponent("items-plus-image.csv")
        try (String(contentsOf: spec.data.items.path, encoding: .utf8) + "new1,tone2 beat1,media/png_gray8.png\n")
            .write(to: items, atomically: true, encoding: .utf8)
        spec.data.items.path = items
        let output = run.root.appendingPathComponent("extracted")
        var extraction = OfflineExtraction(spec: spec, run: run.folder, output: output)
        extraction.quiet = true
        extraction.threads = 1
        _ = try extraction.execute()
        let ids = try String(contentsOf: output.appendingPathComponent("item_ids.txt"), encoding: .utf8).split(separator: "\n")
        let extracted = try NumpyRows(output.appendingPathComponent("item_embeddings.npy")).row(try #require(ids.firstIndex(of: "new1")))
        #expect(extracted.count == stored.vector.count)
        // The conv stack runs on the item alone here and among the catalog's there: equal to rounding.
        #expect(zip(extracted, stored.vector).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(extracted) vs \(stored.vector)")
        // Without its image the item has another vector: the image was embedded.
        let trained = try TrainedRun(directory: Self.trained.get())
        let textOnly = try trained.embed(rows: Data(#"{"item_id": "new2", "title": "tone2 beat1"}"#.utf8), source: "test")
        #expect(textOnly[0].vector != stored.vector)
    }

    @Test func imagePathsAreCheckedAsTheCatalogsAre() async throws {
        let run = try PostedRun(of: Self.trained.get())
        defer { run.remove() }
        let outside = run.root.appendingPathComponent("outside.png")
        try FileManager.default.copyItem(at: Repository.fixture("media/images/png_rgb8.png"), to: outside)
        let cases: [(image: String, says: String)] = [
            ("../outside.png", "leaves the media root"),
            (outside.path, "leaves the media root"),
            ("media/missing.png", "(missing)"),
            ("media/bad_text.png", "looks like text"),
        ]
        try await ServedRun.withServer(over: run.folder) { client in
            for bad in cases {
                let answer = try await client.post("/v1/items", json: ["item_id": "new1", "title": "tone1", "image": bad.image])
                #expect(answer.status == 400, "\(bad.image)")
                let error = try #require(try answer.object["error"] as? [String: String])
                #expect(error["code"] == "bad_item")
                #expect(error["message"]?.hasPrefix("item 1, column 'image': item 'new1': image ") == true, "\(error["message"] ?? "")")
                #expect(error["message"]?.contains(bad.says) == true, "\(bad.image): \(error["message"] ?? "")")
            }
        }
        #expect(try run.store.read().items.isEmpty)
    }
}
