import Foundation
import Recommender

/// Everything `report.html` and `pipeline inspect` show about a finished run, gathered from the
/// files the run wrote: summary.json, the stage summaries, metrics.json, errors.jsonl and
/// manifest.json. Sections whose file is absent are nil (e.g. a run without ratings).
///
/// `pipeline inspect --json` prints this structure; each section keeps the encoding of the file
/// it came from.
public struct RunReport: Sendable, Codable {
    public var pipeline: String
    public var runDirectory: String
    public var toolVersion: String?
    public var seed: UInt64?
    var stages: [StageReport]
    var load: LoadReport?
    var preprocess: PreprocessReport?
    /// part → bucket → rows.
    var split: [String: [String: Int]]?
    var extract: ExtractSummary?
    var errors: ErrorDigest
    var metrics: MetricsDocument?
    /// Set when the folder's latest run did not complete ("interrupted in train (epoch 7 done); …"):
    /// the figures are then those of the last complete run.
    public var state: String?

    enum CodingKeys: String, CodingKey {
        case pipeline, runDirectory = "run_directory", toolVersion = "tool_version", seed, stages, load, preprocess
        case split, extract, errors, metrics, state
    }

    /// The rejected item files of errors.jsonl: counts, and the first few in file order.
    struct ErrorDigest: Sendable, Codable {
        var total = 0
        /// modality → failure class → items.
        var byClass: [String: [String: Int]] = [:]
        var first: [ItemFailure] = []
        /// Lines that are not a readable failure record.
        var unreadableLines = 0

        static let shown = 20

        /// The digest of errors.jsonl's lines.
        init(lines data: Data) {
            for line in data.split(separator: 0x0A) where !line.isEmpty {
                guard let failure = try? JSONDecoder().decode(ItemFailure.self, from: Data(line)) else {
                    unreadableLines += 1
                    continue
                }
                total += 1
                byClass[failure.modality, default: [:]][failure.errorClass.rawValue, default: 0] += 1
                if first.count < Self.shown { first.append(failure) }
            }
        }

        enum CodingKeys: String, CodingKey { case total, byClass = "by_class", first, unreadableLines = "unreadable_lines" }
    }

    /// Reads the run folder `directory` (the outputs.dir of a finished `pipeline run`).
    public static func load(from directory: URL) throws -> RunReport {
        let folder = RunFolder(root: directory)
        let state = folder.stateDescription
        guard let summary = try folder.readIfPresent(.summary) else {
            if let state {
                throw PipelineError(what: "\(directory.path) has no finished run yet: its run is \(state)",
                                    hint: "the summary appears once a run completes")
            }
            throw PipelineError(what: "\(directory.path) is not a finished run (no summary.json)",
                                hint: "give the outputs.dir of a pipeline that `pipeline run` completed")
        }
        let manifest = try folder.readIfPresent(.manifest)
        return RunReport(
            pipeline: summary.pipeline, runDirectory: summary.runDirectory, toolVersion: manifest?.toolVersion, seed: manifest?.seed,
            stages: summary.stages,
            load: try folder.readIfPresent(.loadSummary)?.report, preprocess: try folder.readIfPresent(.preprocessSummary),
            split: try folder.readIfPresent(.splitSummary)?.counts, extract: try folder.readIfPresent(.extractSummary),
            errors: ErrorDigest(lines: folder.rejectedFileLines()), metrics: try folder.readIfPresent(.metrics), state: state)
    }

    /// Rows left after each preprocessing rule, in rule order. A rule removes the rows it counts
    /// unless it changes them in place (`clipped`).
    var rowsAfterEachRule: [Int] {
        guard let preprocess else { return [] }
        var rows = preprocess.inputRows
        return preprocess.rules.map { rule in
            if rule.action != "clipped" { rows -= rule.rows }
            return rows
        }
    }

    // MARK: Presentation order (fixed, so that equal runs give equal bytes)

    /// The fused model first, then the rating baselines, then the ranking baselines.
    var models: [String] {
        Self.ordered(Array(metrics?.test.keys ?? [:].keys), first: ["fused", "global_mean", "bias", "mf", "popularity", "ease", "item_knn"])
    }

    var buckets: [String] {
        let names = Set((metrics?.test.values.flatMap(\.keys) ?? []) + (split?.values.flatMap(\.keys) ?? []))
        return Self.ordered(Array(names), first: ["all", "warm", "cold-item", "cold-user"])
    }

    var modalities: [String] {
        Array(Set(Array(extract?.modalities.keys ?? [:].keys) + Array(metrics?.ablation.keys ?? [:].keys))).sorted()
    }

    /// Metric columns: error metrics, then each ranking metric by K.
    var metricNames: [String] {
        let names = Set(metrics?.test.values.flatMap { $0.values.flatMap(\.keys) } ?? []).subtracting(["rows", "ranked_users"])
        func rank(_ name: String) -> (Int, Int, String) {
            let parts = name.split(separator: "@")
            let family = ["rmse", "mae", "precision", "recall", "ndcg", "hit_rate"].firstIndex(of: String(parts[0])) ?? 99
            return (parts.count == 2 ? Int(parts[1]) ?? 0 : -1, family, name)
        }
        return names.sorted { rank($0) < rank($1) }
    }

    /// `names` with the ones in `first` leading in that order, the rest alphabetical.
    static func ordered(_ names: [String], first: [String]) -> [String] {
        first.filter(names.contains) + names.filter { !first.contains($0) }.sorted()
    }

    static let parts = ["train", "valid", "test"]
}
