import Foundation
import TensorCore
import TestSupport
import Testing

/// Crash safety: SIGKILL `pipeline run` inside every stage, rerun, and compare with an
/// uninterrupted run. Rounds of seven kills (one per stage, each run resuming the previous one),
/// then a run to completion, repeated until PIPELINE_KILLS kills have landed (default 21). The
/// runs are slowed with PIPELINE_FAULT_DELAY_MS (pauses between a temporary file's write and its
/// rename, between batches and between items) so that kills land inside stages, and inside writes.
@Suite(.serialized) struct KillAndRerunTests {
    static let stages = ["load", "preprocess", "split", "extract", "train", "evaluate", "export"]
    static let compared = ["item_embeddings.npy", "item_embeddings.safetensors", "item_ids.txt", "model.safetensors",
                           "model.json", "errors.jsonl", "pipeline.resolved.yaml"]

    @Test func killedRunsResumeToTheSameBytes() throws {
        let target = Int(ProcessInfo.processInfo.environment["PIPELINE_KILLS"] ?? "") ?? 21
        let reference = try CatalogWorkspace("kill-ref")
        defer { reference.remove() }
        #expect(try PipelineProcess.run(["run", reference.pipeline.path, "-q"], environment: Self.slow).status == 0)
        let store = ArtifactStoreReader(root: reference.runDirectory)
        var rng = SeededGenerator(seed: 2026)
        var kills = 0
        let ws = try CatalogWorkspace("kill")
        defer { ws.remove() }
        var rounds = 0
        while kills < target && rounds < target {  // a round lands up to seven kills
            rounds += 1
            try? FileManager.default.removeItem(at: ws.runDirectory)
            for stage in Self.stages {
                let delay = Double(rng.nextUnitFloat()) * max(store.seconds(stage), 0.05)
                if try runAndKill(ws.pipeline, when: "\(stage): started", after: delay) { kills += 1 }
                try checkVisibleArtifactsAreWhole(ws.runDirectory)
            }
            let final = try PipelineProcess.run(["run", ws.pipeline.path])
            #expect(final.status == 0, "\(final.stderr)")
            for name in Self.compared {
                let a = try Data(contentsOf: reference.runDirectory.appendingPathComponent(name))
                let b = try Data(contentsOf: ws.runDirectory.appendingPathComponent(name))
                #expect(a == b, "\(name) differs after kills")
            }
            #expect(try metricsWithoutTimings(reference.runDirectory) == metricsWithoutTimings(ws.runDirectory))
            #expect(leftoverTemporaries(ws.runDirectory).isEmpty)
        }
        #expect(kills >= target, "only \(kills) runs were killed inside a stage in \(rounds) rounds")
        print("kill-and-rerun: \(kills) kills in \(rounds) rounds, every round byte-identical to the uninterrupted run")
    }

    /// Starts a run with --verbose, waits for `marker` on stderr, sleeps `delay` seconds and sends
    /// SIGKILL. Returns whether the process was killed (false if it finished first).
    static let slow = ["PIPELINE_FAULT_DELAY_MS": "3"]

    func runAndKill(_ pipeline: URL, when marker: String, after delay: Double) throws -> Bool {
        let process = PipelineProcess.start(["run", pipeline.path, "--verbose"], environment: Self.slow)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let seen = MarkerWatch(marker)
        err.fileHandleForReading.readabilityHandler = { seen.feed($0.availableData) }
        try process.run()
        while process.isRunning && !seen.found { usleep(2000) }
        if seen.found && process.isRunning {
            usleep(UInt32(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        return process.terminationReason == .uncaughtSignal
    }

    /// Every artifact at the run folder's root that exists must parse completely.
    func checkVisibleArtifactsAreWhole(_ run: URL) throws {
        let fm = FileManager.default
        func exists(_ name: String) -> URL? {
            let url = run.appendingPathComponent(name)
            return fm.fileExists(atPath: url.path) ? url : nil
        }
        if let url = exists("item_embeddings.npy") { _ = try NumpyFile.read(url) }
        for name in ["item_embeddings.safetensors", "model.safetensors"] {
            if let url = exists(name) { _ = try Safetensors.read(url) }
        }
        for name in ["metrics.json", "model.json", "manifest.json"] {
            if let url = exists(name) { _ = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) }
        }
    }
}

/// Stage durations of a finished run, from its stage records.
struct ArtifactStoreReader {
    let root: URL
    func seconds(_ stage: String) -> Double {
        let url = root.appendingPathComponent("stages/\(stage)/record.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return 0.1 }
        return object["seconds"] as? Double ?? 0.1
    }
}

/// Collects a stream's text until a marker appears (thread-safe).
final class MarkerWatch: @unchecked Sendable {
    private let marker: String
    private let lock = NSLock()
    private var text = ""
    private var hit = false

    init(_ marker: String) { self.marker = marker }

    var found: Bool { lock.withLock { hit } }

    func feed(_ data: Data) {
        lock.withLock {
            text += String(decoding: data, as: UTF8.self)
            if text.contains(marker) { hit = true }
        }
    }
}
