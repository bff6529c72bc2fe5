import Foundation
import TestSupport
import Testing

/// A generated catalog with media for the sharding tests, written once per test process:
/// 150 items (`pipeline generate`), two images removed and a sound truncated so that errors.jsonl
/// has lines of two modalities, the demo pipeline pointed at it, and the unsharded extract of it
/// that every merge is compared with.
struct ShardedCatalog: Sendable {
    static let shared = Result { try ShardedCatalog() }

    static let outputs = ["item_embeddings.npy", "item_ids.txt", "item_embeddings.safetensors", "errors.jsonl"]

    let root: URL
    let pipeline: URL
    let unsharded: URL

    private init() throws {
        root = Repository.temporaryDirectory("sharded")
        let catalog = root.appendingPathComponent("catalog")
        let generated = try PipelineProcess.run(["generate", catalog.path, "--items", "150", "--users", "20", "--ratings", "200"])
        guard generated.status == 0 else { throw PipelineFailure(generated) }
        let media = catalog.appendingPathComponent("media")
        try FileManager.default.removeItem(at: media.appendingPathComponent("images/i00003.png"))
        try FileManager.default.removeItem(at: media.appendingPathComponent("images/i00040.jpg"))
        let clip = media.appendingPathComponent("audio/i00007.wav")
        try Data(try Data(contentsOf: clip).prefix(30)).write(to: clip)
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/catalog/", with: "catalog/").replacingOccurrences(of: "../runs/demo", with: "runs")
        pipeline = root.appendingPathComponent("pipeline.yaml")
        try yaml.write(to: pipeline, atomically: true, encoding: .utf8)
        unsharded = root.appendingPathComponent("unsharded")
        try run(["extract", pipeline.path, "--output", unsharded.path, "--threads", "2"])
    }

    /// Runs `pipeline args… --quiet` and throws its stderr unless it succeeds.
    @discardableResult
    func run(_ args: [String], environment: [String: String] = [:]) throws -> PipelineProcess.Result {
        let result = try PipelineProcess.run(args + ["--quiet"], environment: environment)
        guard result.status == 0 else { throw PipelineFailure(result) }
        return result
    }

    /// The bytes of each output file of `folder`, by name.
    static func bytes(_ folder: URL) throws -> [String: Data] {
        Dictionary(uniqueKeysWithValues: try outputs.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) })
    }

    /// Fits once into `folder`.
    func fit(into folder: URL) throws { try run(["fit", pipeline.path, "--output", folder.path]) }
}

struct PipelineFailure: Error, CustomStringConvertible {
    var description: String
    init(_ result: PipelineProcess.Result) { description = "exit \(result.status): \(result.stderr)" }
}
