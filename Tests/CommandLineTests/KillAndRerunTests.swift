import FeaturePipeline
import Foundation
import TensorCore
import TestSupport
import Testing

/// Crash safety: SIGKILL `pipeline run` inside every stage, rerun, and compare with an
/// uninterrupted run. Rounds of seven kills (one per stage, each run resuming the previous one),
/// then a run to completion, repeated until PIPELINE_KILLS kills have landed (default 21). The
/// runs are slowed with PIPELINE_FAULT_DELAY_MS (pauses between a temporary file's write and its
/// rename, between batches and between items) so that kills land inside stages, and inside writes.
///
/// The uninterrupted run is made in the same folder first and moved aside, so the comparison
/// covers every file of the run folder (stage outputs, checkpoints and the per-item cache too),
/// not only the exported artifacts; only times, hashes of files holding times and cache-hit
/// counts are left out (RunFolderChecks.incidentalKeys).
@Suite(.serialized) struct KillAndRerunTests {
    static let stages = ["load", "preprocess", "split", "extract", "train", "evaluate", "export"]

    @Test func killedRunsResumeToTheSameBytes() throws {
        let target = Int(ProcessInfo.processInfo.environment["PIPELINE_KILLS"] ?? "") ?? 21
        let ws = try CatalogWorkspace("kill")
        defer { ws.remove() }
        #expect(try PipelineProcess.run(["run", ws.pipeline.path, "-q"], environment: Self.slow).status == 0)
        let reference = ws.runs.appendingPathComponent("uninterrupted")
        try FileManager.default.moveItem(at: ws.runDirectory, to: reference)
        let records = ArtifactStore(root: reference)
        let cacheSizes = try RunFolderChecks.cacheFileSizes(reference)
        var rng = SeededGenerator(seed: 2026)
        var kills: [String: Int] = [:]
        var rounds = 0
        while kills.values.reduce(0, +) < target && rounds < target {  // a round lands up to seven kills
            rounds += 1
            try? FileManager.default.removeItem(at: ws.runDirectory)
            for stage in Self.stages {
                let delay = Double(rng.nextUnitFloat()) * max(records.record(stage)?.seconds ?? 0.1, 0.05)
                if try runAndKill(ws.pipeline, when: "\(stage): started", after: delay) { kills[stage, default: 0] += 1 }
                let broken = try RunFolderChecks.brokenFiles(ws.runDirectory, cacheSizes: cacheSizes)
                #expect(broken.isEmpty, "visible after a kill in \(stage): \(broken)")
            }
            let final = try PipelineProcess.run(["run", ws.pipeline.path])
            #expect(final.status == 0, "\(final.stderr)")
            let differences = try RunFolderChecks.differences(reference, ws.runDirectory)
            #expect(differences.isEmpty, "round \(rounds): differs from the uninterrupted run: \(differences)")
            #expect(leftoverTemporaries(ws.runDirectory).isEmpty)
        }
        let total = kills.values.reduce(0, +)
        #expect(total >= target, "only \(total) runs were killed inside a stage in \(rounds) rounds")
        #expect(Self.stages.allSatisfy { kills[$0, default: 0] > 0 }, "a stage was never killed: \(kills)")
        let perStage = Self.stages.map { "\($0) \(kills[$0, default: 0])" }.joined(separator: ", ")
        print("kill-and-rerun: \(total) kills in \(rounds) rounds (\(perStage)), every round identical to the uninterrupted run")
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
