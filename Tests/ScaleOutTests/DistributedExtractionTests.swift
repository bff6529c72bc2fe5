import Foundation
import Testing
import TestSupport

/// The extract stage of `pipeline run` split across the ranks of `mpirun -np N` (a build with the
/// MPI trait; skipped otherwise; docs/scale-out-training.md): the demo catalog with three broken
/// images gives the stage the same bytes with 1, 2 and 3 ranks and reports the images once, in
/// catalog order; `on_error: fail` stops every rank with the one-process error; a killed rank
/// ends the job and a rerun with another number of ranks resumes; an up-to-date stage extracts nothing.
@Suite(.serialized, .enabled(if: MPIRun.available, MPIRun.skipReason))
struct DistributedExtractionTests {
    /// Catalog positions of the items whose image is broken: one in each part of 3 ranks, both halves of 2.
    static let broken = [10, 150, 250]
    static let brokenIds = broken.map { String(format: "i%05d", $0 + 1) }

    /// The stage outputs that must not depend on the number of ranks (training's sums do, by rounding).
    static let extractOutputs = ["features.safetensors", "errors.jsonl", "summary.json", "states.json"].map { "stages/extract/\($0)" }
    static let keyedStages = ["load", "preprocess", "split", "extract", "train"]

    @Test func theStageHasTheOneProcessBytesWithTwoAndThreeRanks() throws {
        let ws = try Self.workspace("mpi-extract")
        defer { ws.remove() }
        var files: [Int: [String: Data]] = [:]
        for ranks in [1, 2, 3] {
            try? FileManager.default.removeItem(at: ws.runDirectory)
            let run = try Self.run(ranks, ws)
            try #require(run.status == 0, "\(ranks) ranks: \(run.problems)")
            files[ranks] = try Self.stageFiles(ws.runDirectory)
            let reported = Self.reportedFailures(run.stderr)
            #expect(reported.count == 1 && reported.first?.contains(" 3 failed (") == true
                    && reported.first?.contains("; 3 items skipped (on_error: skip)") == true,
                    "\(ranks) ranks: \(run.stderr)")
            files[ranks]?["stderr"] = Data(reported.joined().utf8)
        }
        let one = try #require(files[1])
        for ranks in [2, 3] {
            for (name, bytes) in one.sorted(by: { $0.key < $1.key }) {
                #expect(files[ranks]?[name] == bytes, "\(ranks) ranks: \(name) differs from one process's")
            }
        }
        let errors = String(decoding: one["stages/extract/errors.jsonl"] ?? Data(), as: UTF8.self)
        let failed = errors.split(separator: "\n").compactMap { line in Self.brokenIds.first { line.contains("\"item\":\"\($0)\"") } }
        #expect(failed == Self.brokenIds, "errors.jsonl: \(errors)")
    }

    @Test func onErrorFailStopsEveryRankWithTheOneProcessError() throws {
        let ws = try Self.workspace("mpi-extract-fail", onError: "fail")
        defer { ws.remove() }
        var errors: [Int: [String]] = [:]
        for ranks in [1, 3] {
            try? FileManager.default.removeItem(at: ws.runDirectory)
            let run = try Self.run(ranks, ws, "-q")
            #expect(run.status == 1, "\(ranks) ranks: \(run.problems)")
            #expect(!run.stderr.contains("MPI_ABORT"), "\(run.stderr)")
            errors[ranks] = run.stderr.split(separator: "\n").filter { $0.contains("error:") }.map(String.init)
            let record = ws.runDirectory.appendingPathComponent("stages/extract/record.json")
            #expect(!FileManager.default.fileExists(atPath: record.path))
        }
        #expect(errors[1]?.count == 1 && errors[1]?.first?.contains("item \(Self.brokenIds[0]): image") == true, "\(errors)")
        #expect(errors[3] == errors[1])
    }

    @Test func aRankKilledWhileExtractingStopsTheJobAndARerunWithOtherRanksResumes() throws {
        let ws = try Self.workspace("mpi-extract-kill")
        defer { ws.remove() }
        try #require(try Self.run(1, ws, "-q").status == 0)
        let one = try Self.stageFiles(ws.runDirectory)
        try FileManager.default.removeItem(at: ws.runDirectory)
        let cache = ws.runDirectory.appendingPathComponent("cache/image")
        let job = MPIRun.start(np: 2, PipelineProcess.binary, ["run", ws.pipeline.path, "-q"],
                               environment: ["PIPELINE_FAULT_DELAY_MS": "100"])
        let killed = try PipelineProcess.collect(job) {
            try DataParallelTrainingTests.waitFor(timeout: 600) { !job.isRunning || Self.cacheEntries(cache) >= 4 }
            try #require(job.isRunning, "the job ended before extracting")
            kill(try #require(MPIRun.rankProcess(1, of: job.processIdentifier), "rank 1 not found"), SIGKILL)
        }
        #expect(killed.status != 0)
        #expect(killed.stderr.contains("exited on signal 9"), "\(killed.stderr)")
        let rerun = try Self.run(3, ws, "-q")
        try #require(rerun.status == 0, "\(rerun.problems)")
        let resumed = try Self.stageFiles(ws.runDirectory)
        for name in Self.extractOutputs where !name.hasSuffix("summary.json") {
            #expect(resumed[name] == one[name], "the resumed run's \(name) differs from one process's")
        }
        let summary = try JSONSerialization.jsonObject(with: resumed["stages/extract/summary.json"] ?? Data()) as? [String: Any]
        let image = (summary?["modalities"] as? [String: Any])?["image"] as? [String: Any]
        #expect((image?["cached"] as? Int ?? 0) > 0, "nothing was taken from the cache: \(String(describing: summary))")
    }

    @Test func noRankExtractsWhenTheStageIsUpToDate() throws {
        let ws = try Self.workspace("mpi-extract-skip")
        defer { ws.remove() }
        try #require(try Self.run(2, ws, "-q").status == 0)
        let cache = ws.runDirectory.appendingPathComponent("cache")
        try FileManager.default.removeItem(at: cache)
        let again = try Self.run(3, ws)
        #expect(again.status == 0, "\(again.problems)")
        #expect(again.stderr.contains("every stage was up to date"), "\(again.stderr)")
        #expect(Self.cacheEntries(cache) == 0, "a rank extracted items of an up-to-date stage")
    }

    // MARK: Helpers

    /// The demo pipeline with images `on_error: onError`, no sound (quicker), one epoch; three images cut short.
    static func workspace(_ label: String, onError: String = "skip") throws -> CatalogWorkspace {
        let demo = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        let yaml = demo.replacingOccurrences(of: "image: {field: image,", with: "image: {field: image, on_error: \(onError),")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("audio: {") && !$0.contains("pooling: [mean, std]") }
            .joined(separator: "\n") + "\ntrain: {epochs: 1}\n"
        let ws = try CatalogWorkspace(label, pipelineYAML: yaml)
        let images = ws.catalog.appendingPathComponent("media/images")
        let files = try FileManager.default.contentsOfDirectory(atPath: images.path)
        for id in brokenIds {
            let file = try #require(files.first { $0.hasPrefix(id + ".") }, "no image of \(id)")
            let url = images.appendingPathComponent(file)
            try Data(contentsOf: url).prefix(100).write(to: url)  // cut short: the decoder rejects it
        }
        return ws
    }

    /// The extract stage's outputs and each stage's key (the train stage's covers its inputs' bytes).
    static func stageFiles(_ run: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in extractOutputs { files[name] = try Data(contentsOf: run.appendingPathComponent(name)) }
        for stage in keyedStages {
            let record = try Data(contentsOf: run.appendingPathComponent("stages/\(stage)/record.json"))
            let key = (try JSONSerialization.jsonObject(with: record) as? [String: Any])?["key"] as? String
            files["key of \(stage)"] = Data((key ?? "none").utf8)
        }
        return files
    }

    /// `pipeline run FILE args…` alone (1) or under `mpirun -np ranks`.
    static func run(_ ranks: Int, _ ws: CatalogWorkspace, _ args: String...) throws -> PipelineProcess.Result {
        let args = ["run", ws.pipeline.path] + args
        return ranks == 1 ? try PipelineProcess.run(args) : try MPIRun.run(np: ranks, PipelineProcess.binary, args)
    }

    /// The notes of the run summary's lines about skipped items (printed once, by rank 0), without the timings.
    static func reportedFailures(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains("items skipped") }.map { line in
            String(line[(line.range(of: "image:")?.lowerBound ?? line.startIndex)...]) + "\n"
        }
    }

    static func cacheEntries(_ folder: URL) -> Int {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String])?
            .filter { $0.hasSuffix(".bin") }.count ?? 0
    }

}
