import Foundation
import TensorCore
import TestSupport
import Testing

/// The ranking side of `pipeline run` end to end on small copies of the fixture catalog (text and
/// fields only, so each run takes seconds): implicit feedback, the file's own split, and
/// `recommend` ordered by the model's real scores.
@Suite(.serialized) struct RankingRunTests {
    /// The demo catalog without media, its interactions rewritten by `rows` (header included).
    static func workspace(_ label: String, interactions: String, split: String,
                          rows: ([String]) -> [String]) throws -> CatalogWorkspace {
        let yaml = """
            name: demo
            seed: 7
            data:
              items: {path: ../fixtures/catalog/items.csv, id: item_id}
              interactions: {path: ../fixtures/catalog/interactions.csv, \(interactions)}
            split: \(split)
            features:
              text: {fields: [title, description], dim: 16}
              fields: [{name: category, type: categorical}]
            model: {item_dim: 16, item_id_embedding: 16, hidden: [32]}
            users: {embedding: 16}
            train: {epochs: 4}
            evaluate: {ablation: false}
            outputs: {dir: ../runs/demo, report: none}
            """
        let ws = try CatalogWorkspace(label, pipelineYAML: yaml)
        let lines = try String(contentsOf: ws.catalog.appendingPathComponent("ratings.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        try (rows(lines).joined(separator: "\n") + "\n")
            .write(to: ws.catalog.appendingPathComponent("interactions.csv"), atomically: true, encoding: .utf8)
        return ws
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    @Test func interactionsWithoutRatingsTrainTheRankingObjectiveAlone() throws {
        // user_id,item_id,timestamp: no rating column, so feedback: auto reads them as implicit.
        let ws = try Self.workspace("implicit", interactions: "timestamp: timestamp",
                                    split: "{method: random, cold_items: 0, cold_users: 0}") { lines in
            lines.map { line in let f = line.split(separator: ",", omittingEmptySubsequences: false); return "\(f[0]),\(f[1]),\(f[3])" }
        }
        defer { ws.remove() }
        let run = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let metrics = try Self.json(ws.runDirectory.appendingPathComponent("metrics.json"))
        let test = try #require(metrics["test"] as? [String: [String: [String: Double]]])
        #expect(Set(test.keys) == ["fused", "popularity", "ease"], "no rating baselines without ratings: \(test.keys.sorted())")
        let fused = try #require(test["fused"]?["all"])
        #expect(fused["rmse"] == nil, "no rating error without ratings")
        #expect((fused["ndcg@10"] ?? 0) > 0)
        let model = try Self.json(ws.runDirectory.appendingPathComponent("model.json"))
        #expect((model["scoring"] as? [String: Any])?["kind"] as? String == "retrieval")
        let rec = try PipelineProcess.run(["recommend", ws.runDirectory.path, "--user", "u0001", "-k", "3", "--json"])
        #expect(rec.status == 0, "\(rec.stderr)")
        let lines = rec.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(!rec.stdout.contains("\"rating\""), "implicit feedback predicts no rating: \(rec.stdout)")
    }

    @Test func columnSplitKeepsTheFilesPartsByDefault() throws {
        let ws = try Self.workspace("column", interactions: "rating: rating, split: part", split: "{method: column}") { lines in
            [lines[0] + ",part"] + lines.dropFirst().enumerated().map { k, line in line + "," + ["train", "train", "valid", "test"][k % 4] }
        }
        defer { ws.remove() }
        let run = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let config = try PipelineProcess.run(["config", ws.pipeline.path, "--resolved"])
        #expect(config.stdout.contains("cold_items: 0") && config.stdout.contains("cold_users: 0"), "\(config.stdout)")
        // Every row tagged test or valid is where the file put it; train rows only ever move to
        // validation (items without test rows, held out as cold validation items).
        let stages = ws.runDirectory.appendingPathComponent("stages")
        let ratings = try Safetensors.read(stages.appendingPathComponent("preprocess/ratings.safetensors"))
        let tags = try JSONDecoder().decode([String].self, from: Data(try #require(ratings.metadata["split_tags"]).utf8))
        let parts = try #require(try Safetensors.read(stages.appendingPathComponent("split/split.safetensors"))["parts"]).bytes
        let names = ["train": UInt8(0), "valid": 1, "test": 2]
        var moved = 0
        for (tag, part) in zip(tags, parts) where names[tag] != part {
            #expect(tag == "train" && part == 1, "a \(tag) row moved to part \(part)")
            moved += 1
        }
        let summary = try Self.json(stages.appendingPathComponent("split/summary.json"))
        #expect(summary["moved"] as? Int == moved)
    }

    @Test func recommendListsTheBestScoresFirstWithTheirRatings() throws {
        let ws = try Self.workspace("recommend", interactions: "rating: rating, timestamp: timestamp",
                                    split: "{method: random, cold_items: 0, cold_users: 0}") { $0 }
        defer { ws.remove() }
        #expect(try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"]).status == 0)
        let rec = try PipelineProcess.run(["recommend", ws.runDirectory.path, "--user", "u0001", "-k", "20", "--json"])
        #expect(rec.status == 0, "\(rec.stderr)")
        let rows = try rec.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let scores = rows.map { $0["score"] as! Double }
        #expect(scores == scores.sorted(by: >), "ordered by the ranking score: \(scores)")
        #expect(Set(scores).count > 1, "real scores, not a clipped 5.0 in id order")
        let ratings = rows.map { $0["rating"] as! Double }
        #expect(ratings.allSatisfy { (0.5...5).contains($0) }, "reported ratings are clipped to the range: \(ratings)")
        let model = try Self.json(ws.runDirectory.appendingPathComponent("model.json"))
        #expect((model["scoring"] as? [String: Any])?["kind"] as? String == "combined")
    }
}
