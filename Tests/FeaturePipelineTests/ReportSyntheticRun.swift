import Foundation
@testable import FeaturePipeline
import TensorCore
import TestSupport

/// A small run folder written by hand in the formats `pipeline run` writes: 10 items, three
/// modalities (audio, image, text), three rejected files and a damaged line, a clipping
/// preprocessing rule, a skipped stage, a custom baseline name and two K values.
enum SyntheticRun {
    static func write() throws -> URL {
        let root = Repository.temporaryDirectory("report-run")
        func put(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try put("summary.json", """
            {"pipeline": "tiny", "runDirectory": "\(root.path)", "stages": [
              {"stage": "load", "status": "ran", "seconds": 0.25, "notes": ["10 items"]},
              {"stage": "preprocess", "status": "skipped", "seconds": 0.5, "notes": []},
              {"stage": "train", "status": "ran", "seconds": 2.5, "notes": ["5 epochs"]}]}
            """)
        try put("manifest.json", #"{"format": "pipeline-run-1", "tool_version": "0.1.0", "pipeline": "tiny", "pipeline_file": "/x.yaml", "seed": 7, "artifacts": {}}"#)
        try put("stages/load/summary.json", #"{"report": {"items": 10, "duplicateItemIds": 0, "emptyItemIds": 0, "invalidUTF8Fields": 0, "interactionRows": 100, "userRows": 5}}"#)
        try put("stages/preprocess/summary.json", """
            {"inputRows": 100, "outputRows": 90, "rules": [{"name": "missing_values", "rows": 5, "action": "dropped"},
             {"name": "clip_range", "rows": 3, "action": "clipped"}, {"name": "repeated_ratings", "rows": 5, "action": "kept keep_last"}]}
            """)
        try put("stages/split/summary.json", #"{"counts": {"train": {"warm": 70}, "valid": {"warm": 8, "cold-item": 2}, "test": {"warm": 6, "cold-item": 4}}}"#)
        let modality = { (failed: Int, classes: String) in
            #"{"items": 10, "extracted": \#(10 - failed), "cached": 0, "absent": 0, "failed": \#(failed), "failures_by_class": {\#(classes)}}"#
        }
        try put("stages/extract/summary.json", """
            {"modalities": {"text": \(modality(0, "")), "image": \(modality(2, #""corrupt": 2"#)), "audio": \(modality(1, #""truncated": 1"#))},
             "skipped_items": []}
            """)
        try put("errors.jsonl", """
            {"item":"i1","modality":"image","path":"data<broken>.png","class":"corrupt","message":"bad CRC"}
            {"item":"i2","modality":"image","path":"b.png","class":"corrupt","message":"bad CRC"}
            not json
            {"item":"i3","modality":"audio","path":"c.wav","class":"truncated","message":"ends early"}

            """)
        let epochs = (1...5).map { e in
            #"{"epoch": \#(e), "learning_rate": 0.01, "train_loss": \#(1.0 / Double(e)), "train_rmse": \#(1.1 / Double(e)), "valid_rmse": \#(0.9 + 0.01 * Double(e)), "valid_mae": 0.7, "seconds": 0.1}"#
        }
        let metrics = { (rmse: Double) in
            #"{"rmse": \#(rmse), "mae": 0.6, "precision@10": 0.1, "ndcg@10": 0.2, "precision@5": 0.15, "ndcg@5": 0.25, "rows": 10, "ranked_users": 4}"#
        }
        let buckets = { (rmse: Double) in #"{"all": \#(metrics(rmse)), "warm": \#(metrics(rmse - 0.1)), "cold-item": \#(metrics(rmse + 0.1))}"# }
        let delta = #"{"all": {"rmse": 0.02, "mae": 0.01, "ndcg@5": -0.01, "ndcg@10": -0.02, "precision@5": 0, "precision@10": 0}}"#
        try put("metrics.json", """
            {"test": {"bias": \(buckets(0.8)), "fused": \(buckets(0.7)), "zz_custom": {"all": \(metrics(0.9))}},
             "valid": {"all": {"rmse": 0.71, "mae": 0.55, "rows": 8}},
             "ablation": {"text": \(delta), "audio": \(delta), "image": \(delta)},
             "relevance_threshold": 4, "epochs": [\(epochs.joined(separator: ","))], "best_epoch": 4}
            """)
        // Items along a line in 4-D plus a little noise; catalog fields for colouring.
        var vectors = Tensor(shape: [10, 4])
        var rng = SeededGenerator(seed: 1)
        for i in 0..<10 { for j in 0..<4 { vectors.storage[i * 4 + j] = Float(i) * Float(j + 1) * 0.1 + 0.01 * rng.nextNormal() } }
        try NumpyFile.write(vectors, to: root.appendingPathComponent("item_embeddings.npy"))
        let ids = (0..<10).map { "i\($0)" }
        try put("item_ids.txt", ids.joined(separator: "\n") + "\n")
        let prices = ["1", "2", "2.5", "3", "4", "5", "6", "7", "8", "9"]
        let catalog = Catalog(
            source: "items.csv", ids: ids.reversed(), columns: ["item_id", "genre", "price"],
            values: (0..<10).reversed().map { (i: Int) -> [String?] in
                let genre: String? = i == 9 ? nil : (i % 2 == 0 ? "Comedy" : "Drama")
                return [ids[i], genre, prices[i]]
            },
            lines: Array(2...11), invalidUTF8: [:])
        try StageCodecs.encode(catalog).write(to: root.appendingPathComponent("stages/load/catalog.safetensors"))
        return root
    }
}
