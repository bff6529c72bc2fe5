import Foundation
import TestSupport
import Testing

/// fit → extract --shard I/N → merge gives the unsharded extract's bytes, for N = 1, 2, 3 and 7;
/// merge refuses a missing, duplicated or foreign part with its name; a rerun shard changes nothing.
@Suite(.serialized) struct ShardedExtractTests {
    let catalog: ShardedCatalog
    let dir: URL
    let fit: URL

    init() throws {
        catalog = try ShardedCatalog.shared.get()
        dir = Repository.temporaryDirectory("shards")
        fit = dir.appendingPathComponent("fit")
        try catalog.fit(into: fit)
    }

    func extract(_ index: Int, of count: Int, into parts: URL, fit: URL? = nil) throws {
        try catalog.run(["extract", catalog.pipeline.path, "--fit", (fit ?? self.fit).path, "--shard", "\(index)/\(count)",
                         "--output", parts.path, "--threads", "2"])
    }

    func merge(_ parts: [URL], into output: URL) throws -> PipelineProcess.Result {
        try PipelineProcess.run(["merge"] + parts.map(\.path) + ["--output", output.path, "--quiet"])
    }

    @Test(arguments: [1, 2, 3, 7]) func mergedShardsAreTheUnshardedBytes(count: Int) throws {
        let parts = dir.appendingPathComponent("parts-\(count)")
        for index in 0..<count { try extract(index, of: count, into: parts) }
        let merged = dir.appendingPathComponent("merged-\(count)")
        let result = try merge([parts], into: merged)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try ShardedCatalog.bytes(catalog.unsharded)
        #expect(try ShardedCatalog.bytes(merged) == expected)
        // The shards really split the catalog, and errors.jsonl has lines of two modalities.
        let sizes = try (0..<count).map { i in
            try String(contentsOf: parts.appendingPathComponent("part-0000\(i)-of-0000\(count)/item_ids.txt"), encoding: .utf8)
                .split(separator: "\n").count
        }
        #expect(sizes.reduce(0, +) == 150 && (count == 1 || sizes.max()! < 150), "\(sizes)")
        let errors = String(decoding: expected["errors.jsonl"]!, as: UTF8.self)
        #expect(errors.contains("\"modality\":\"image\"") && errors.contains("\"modality\":\"audio\""), "\(errors)")
    }

    /// With --model, the trained item tower embeds each item; its products run on whole chunks too.
    @Test func trainedModelShardsMergeToTheUnshardedBytes() throws {
        let run = catalog.root.appendingPathComponent("runs")  // the pipeline's outputs.dir
        if !FileManager.default.fileExists(atPath: run.appendingPathComponent("model.json").path) {
            try catalog.run(["run", catalog.pipeline.path])
        }
        let unsharded = dir.appendingPathComponent("model-unsharded")
        try catalog.run(["extract", catalog.pipeline.path, "--model", run.path, "--output", unsharded.path, "--threads", "2"])
        for count in [3, 7] {
            let parts = dir.appendingPathComponent("model-parts-\(count)")
            for index in 0..<count {
                try catalog.run(["extract", catalog.pipeline.path, "--model", run.path, "--shard", "\(index)/\(count)",
                                 "--output", parts.path, "--threads", "2"])
            }
            let merged = dir.appendingPathComponent("model-merged-\(count)")
            #expect(try merge([parts], into: merged).status == 0)
            #expect(try ShardedCatalog.bytes(merged) == ShardedCatalog.bytes(unsharded), "\(count) shards")
        }
    }

    @Test func aMissingDuplicatedOrForeignPartIsRefusedByName() throws {
        let parts = dir.appendingPathComponent("parts")
        for index in 0..<3 { try extract(index, of: 3, into: parts) }
        let part = { (i: Int) in parts.appendingPathComponent("part-0000\(i)-of-00003") }
        let out = dir.appendingPathComponent("refused")

        let missing = try merge([part(0), part(2)], into: out)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("missing part 1/3 (part-00001-of-00003)"), "\(missing.stderr)")

        let copy = dir.appendingPathComponent("copy-of-2")
        try FileManager.default.copyItem(at: part(2), to: copy)
        let duplicated = try merge([part(0), part(1), part(2), copy], into: out)
        #expect(duplicated.stderr.contains("duplicated part 2/3: \(copy.path) repeats \(part(2).path)"), "\(duplicated.stderr)")

        // Shard 1 of an extract of the same catalog with another seed (other frozen weights).
        let other = dir.appendingPathComponent("other")
        let otherPipeline = catalog.root.appendingPathComponent("other-seed-\(UUID().uuidString.prefix(6)).yaml")
        try String(contentsOf: catalog.pipeline, encoding: .utf8).replacingOccurrences(of: "seed: 42", with: "seed: 43")
            .write(to: otherPipeline, atomically: true, encoding: .utf8)
        try catalog.run(["fit", otherPipeline.path, "--output", other.appendingPathComponent("fit").path])
        try catalog.run(["extract", otherPipeline.path, "--fit", other.appendingPathComponent("fit").path,
                         "--shard", "1/3", "--output", other.path])
        let foreign = try merge([part(0), other.appendingPathComponent("part-00001-of-00003"), part(2)], into: out)
        #expect(foreign.stderr.contains("foreign part \(other.path)/part-00001-of-00003"), "\(foreign.stderr)")
        #expect(foreign.stderr.split(separator: "\n").count == 1)

        try Data("x".utf8).write(to: part(1).appendingPathComponent("item_rows.txt"))
        let damaged = try merge([parts], into: out)
        #expect(damaged.stderr.contains("damaged part \(part(1).path)"), "\(damaged.stderr)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        #expect(written.isEmpty, "a refused merge wrote \(written)")
    }

    /// A shard rerun (after a kill, or twice by a scheduler) rewrites the same part.
    @Test func rerunningAShardIsIdempotent() throws {
        let parts = dir.appendingPathComponent("rerun")
        try extract(1, of: 2, into: parts)
        let part = parts.appendingPathComponent("part-00001-of-00002")
        let first = try FileManager.default.contentsOfDirectory(atPath: part.path).sorted()
        let manifest = try Data(contentsOf: part.appendingPathComponent("part.json"))
        try extract(1, of: 2, into: parts)
        #expect(try FileManager.default.contentsOfDirectory(atPath: part.path).sorted() == first)
        #expect(try Data(contentsOf: part.appendingPathComponent("part.json")) == manifest)
        #expect(first == ["errors.jsonl", "failures.tsv", "item_embeddings.npy", "item_embeddings.safetensors",
                          "item_ids.txt", "item_rows.txt", "part.json"])
    }

    /// With nothing fitted on the catalog (images alone: the conv stack's weights come from the
    /// seed), shards need no fit and still merge to the unsharded bytes.
    @Test func frozenImagesAloneNeedNoFit() throws {
        let yaml = try String(contentsOf: catalog.pipeline, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var skipping = false
        for line in yaml {
            if line.hasPrefix("  text:") || line.hasPrefix("  audio:") || line.hasPrefix("  fields:") { skipping = true; continue }
            if skipping && (line.hasPrefix("    ") || line.hasPrefix("          ")) { continue }
            skipping = false
            kept.append(line)
        }
        let pipeline = catalog.root.appendingPathComponent("images-\(UUID().uuidString.prefix(6)).yaml")
        try kept.joined(separator: "\n").write(to: pipeline, atomically: true, encoding: .utf8)
        let unsharded = dir.appendingPathComponent("images-unsharded")
        try catalog.run(["extract", pipeline.path, "--output", unsharded.path])
        let parts = dir.appendingPathComponent("images-parts")
        for index in 0..<3 { try catalog.run(["extract", pipeline.path, "--shard", "\(index)/3", "--output", parts.path]) }
        let merged = dir.appendingPathComponent("images-merged")
        #expect(try merge([parts], into: merged).status == 0)
        #expect(try ShardedCatalog.bytes(merged) == ShardedCatalog.bytes(unsharded))
        let names = try Set(String(contentsOf: merged.appendingPathComponent("errors.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { $0.contains("\"modality\":\"image\"") })
        #expect(names == [true])
    }

    /// Without --fit, a shard cannot fit the text vocabulary or the scalers alone.
    @Test func aShardWithoutAFitAsksForOne() throws {
        let result = try PipelineProcess.run(["extract", catalog.pipeline.path, "--shard", "0/2", "--output", dir.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("shard 0/2 cannot fit the item fields' scalers and vocabularies alone"), "\(result.stderr)")
        #expect(result.stderr.contains("`pipeline fit"), "\(result.stderr)")
    }
}
