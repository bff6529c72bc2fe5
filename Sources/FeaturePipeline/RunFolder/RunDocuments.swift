import Foundation
import Recommender

// The JSON documents a run folder holds besides its tensors: stage summaries, metrics.json and
// manifest.json (RunFolder.Document names where each lives).

struct LoadSummary: Codable { var report: LoadReport }
struct SplitSummary: Codable {
    var counts: [String: [String: Int]]
    /// method column: rows placed in another part than the file gives them.
    var moved: Int? = nil
}

struct ModalitySummary: Codable, Equatable {
    var items = 0, extracted = 0, cached = 0, absent = 0, failed = 0
    var failuresByClass: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case items, extracted, cached, absent, failed, failuresByClass = "failures_by_class"
    }
}

struct ExtractSummary: Codable {
    var modalities: [String: ModalitySummary]
    /// Items left out of training and evaluation by `on_error: skip`.
    var skippedItems: [String] = []

    enum CodingKeys: String, CodingKey { case modalities, skippedItems = "skipped_items" }
}

struct TrainSummary: Codable {
    var history: TrainingHistory
    var parameters: Int
}

struct MetricsDocument: Codable {
    /// model → bucket → metric → value.
    var test: [String: [String: [String: Double]]]
    /// Validation metrics of the fused model (the split used for early stopping).
    var valid: [String: [String: Double]]
    /// modality → bucket → metric → (masked − full).
    var ablation: [String: [String: [String: Double]]]
    var relevanceThreshold: Double
    var epochs: [EpochRecord]
    var bestEpoch: Int

    enum CodingKeys: String, CodingKey {
        case test, valid, ablation, relevanceThreshold = "relevance_threshold", epochs, bestEpoch = "best_epoch"
    }
}

struct RunManifest: Codable {
    var format = "pipeline-run-1"
    var toolVersion = ToolVersion.current
    var pipeline: String
    /// The pipeline file this run came from; relative paths in pipeline.resolved.yaml start there.
    var pipelineFile: String
    var seed: UInt64
    var artifacts: [String: ArtifactStore.Record.Output]

    enum CodingKeys: String, CodingKey {
        case format, toolVersion = "tool_version", pipeline, pipelineFile = "pipeline_file", seed, artifacts
    }
}
