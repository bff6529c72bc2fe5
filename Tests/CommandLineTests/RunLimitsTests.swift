import Foundation
import TestSupport
import Testing

/// Limits set in the pipeline file, end to end: items per run and tokens per text. (Pixels,
/// bytes, seconds and channels per file are planted in the hostile catalog.)
@Suite(.serialized) struct RunLimitsTests {
    @Test func aCatalogOverMaxItemsIsRefusedNamingTheLine() throws {
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  users: {path:", with: "  max_items: 100\n  users: {path:")
        let ws = try CatalogWorkspace("max-items", pipelineYAML: yaml)
        defer { ws.remove() }
        let result = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(ws.catalog.path)/items.csv:102: more than 100 rows, the limit set by data.max_items (hint: raise data.max_items if the file is genuine)\n",
                "\(result.stderr)")
    }

    /// The demo pipeline with at most one token per text field, rejected beyond; `hashing` swaps
    /// the fitted vocabulary for hashed buckets.
    func tokenLimitedWorkspace(_ label: String, hashing: Bool) throws -> CatalogWorkspace {
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(
            of: "weighting: tfidf,", with: "weighting: tfidf, max_tokens: 1, on_too_many_tokens: reject,\(hashing ? " hashing: {bits: 10}," : "")")
        return try CatalogWorkspace(label, pipelineYAML: yaml + "\ntrain: {epochs: 2}\n")
    }

    @Test func textOverMaxTokensIsRejectedAsTooLarge() throws {
        // Every title has more than one token: the whole modality fails. With hashing the run
        // still finishes, and says so.
        let hashed = try tokenLimitedWorkspace("max-tokens-hashed", hashing: true)
        defer { hashed.remove() }
        let result = try PipelineProcess.run(["run", hashed.pipeline.path, "--quiet"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("error: every text input failed: 300 of 300 items with a text were rejected (300 too_large)"), "\(result.stderr)")
        let lines = try HostileCatalogTests.errorLines(hashed.runDirectory)
        #expect(lines.count == 300 && lines.allSatisfy { $0.modality == "text" && $0.class == "too_large" })
        #expect(lines.first?.message.contains("max_tokens") == true, "\(lines.first?.message ?? "")")

        // A vocabulary cannot be fitted on nothing: the run stops after naming the first rejection.
        let fitted = try tokenLimitedWorkspace("max-tokens", hashing: false)
        defer { fitted.remove() }
        let stopped = try PipelineProcess.run(["run", fitted.pipeline.path, "--quiet"])
        #expect(stopped.status == 4)
        #expect(stopped.problems.hasPrefix("error: every text input failed: no text to fit the vocabulary on: all "), "\(stopped.stderr)")
        #expect(stopped.problems.contains("documents were rejected, the first as too_large: items.csv:"), "\(stopped.stderr)")
        #expect(stopped.problems.contains(" column 'title': more than 1 tokens ("), "\(stopped.stderr)")
        #expect(stopped.problems.hasSuffix(" (hint: raise features.text.max_tokens, or set on_too_many_tokens: truncate; or remove features.text)\n"),
                "one hint, the item's first: \(stopped.stderr)")
        #expect(stopped.problems.split(separator: "\n").count == 1)
    }
}
