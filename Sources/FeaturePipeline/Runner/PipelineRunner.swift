import Foundation
import Logging
import NeuralNet
import Recommender
import TensorCore

/// Options of one `pipeline run` that are not part of the pipeline file.
public struct RunOptions: Sendable {
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var quiet = false
    /// Recompute every stage even when its record says it is up to date.
    public var force = false
    public init() {}
}

/// Runs load → preprocess → split → extract → train → evaluate → export.
///
/// Each stage's key hashes the tool version, its configuration sections and the hashes of the
/// artifacts it reads; a stage whose key matches a complete record is skipped. Stages write
/// through `store` and read earlier stages' outputs through `folder`, which keeps what a stage
/// produced and reads back from disk only what skipped stages left there.
public final class PipelineRunner {
    let spec: PipelineSpec
    let store: ArtifactStore
    let folder: RunFolder
    let options: RunOptions
    let logger = Logger(label: "pipeline")
    let progress: ProgressReporter
    var reports: [StageReport] = []
    /// The processes extracting and training together (`mpirun`; `PipelineRunner+Followers`); nil:
    /// this process alone. Only rank 0 calls `run()`; the others call `follow()`.
    public var group: (any Collectives)?
    /// Where rank 0 knows the other ranks to be.
    var followers = Followers.waiting

    public init(spec: PipelineSpec, options: RunOptions) {
        self.spec = spec
        self.store = ArtifactStore(root: spec.outputs.directory)
        self.folder = RunFolder(root: store.root, modalities: spec.features.registry)
        self.options = options
        self.progress = .automatic(quiet: options.quiet)
    }

    public func run() throws -> RunSummary {
        let lock = try RunLock(directory: store.root)
        defer { withExtendedLifetime(lock) {} }
        AtomicFile.sweepTemporaries(in: store.root)
        BLAS.setThreads(1)
        setState(.running, stage: "load")
        do {
            let summary = try runStages()
            setState(.complete, stage: nil)
            // After the state says complete: the report shows no "in progress" banner.
            if spec.outputs.report == .html {
                do { try ReportWriter.write(runDirectory: store.root) } catch { logger.warning("report.html not written: \(error)") }
            }
            return summary
        } catch {
            setState(.failed, stage: folder.state?.stage)
            releaseFollowers()  // if they wait for an instruction: the job then ends without aborting them
            throw error
        }
    }

    /// The run folder's run_state.json (see `RunState`).
    func setState(_ status: RunState.Status, stage: String?) {
        RunState(status: status, stage: stage, pipelineFile: spec.file.path).write(to: store.root)
    }

    private func runStages() throws -> RunSummary {
        let load = try loadStage()
        let preprocess = try preprocessStage(load)
        let split = try splitStage(preprocess)
        let extract = try extractStage(load, split)
        try stopWhenNothingIsLeftToTrainOn()
        let train = try trainStage([load, preprocess, split, extract])
        releaseFollowers()
        let evaluate = try evaluateStage([train, preprocess, split])
        _ = try exportStage([train, evaluate, extract])
        let failures = try completeFailures()
        let summary = RunSummary(pipeline: spec.name, runDirectory: store.root.path, stages: reports,
                                 failures: failures.isEmpty ? nil : failures)
        try store.write(summary, as: .summary)
        return summary
    }

    /// Runs `body` unless the stage is complete for `key`; `body` returns its output paths.
    @discardableResult
    func stage(_ name: String, key: String, notes: () throws -> [String] = { [] },
               _ body: () throws -> (outputs: [String], notes: [String])) throws -> ArtifactStore.Record {
        if !options.force, let record = store.completed(name, key: key) {
            reports.append(StageReport(stage: name, status: .skipped, seconds: record.seconds, notes: (try? notes()) ?? []))
            logger.debug("\(name): up to date (key \(key.prefix(12)))")
            return record
        }
        store.invalidate(name)
        if options.force { try? FileManager.default.removeItem(at: store.stageDirectory(name)) }  // no resuming either
        setState(.running, stage: name)
        logger.debug("\(name): started")
        let start = Date()
        let result = try body()
        let seconds = Date().timeIntervalSince(start)
        let record = try store.commit(name, key: key, outputs: result.outputs, seconds: seconds)
        reports.append(StageReport(stage: name, status: .ran, seconds: seconds, notes: result.notes))
        return record
    }
}
