import Foundation
import TestSupport
import Testing

/// Ctrl-C during `pipeline run` on a terminal: the user is told where the run stopped and how
/// to resume it; the folder records the state, and `inspect`, `predict` and the state file
/// say so afterwards (before the interruption, a live run is "in progress").
@Suite struct InterruptedRunTests {
    static let pipeline = shellQuoted(PipelineProcess.binary.path)

    @Test(.enabled(if: TmuxPane.available, "tmux is not installed (scripts/install-deps installs it)"))
    func ctrlCInTrainingSaysWhereAndInspectShowsIt() throws {
        let ws = try CatalogWorkspace("interrupt")
        defer { ws.remove() }
        let run = ws.runDirectory.path
        let pane = try TmuxPane("cd \(shellQuoted(ws.root.path)) && PIPELINE_FAULT_DELAY_MS=20 \(Self.pipeline) run pipelines/catalog.yaml --threads 1")
        let extracting = try pane.watch(every: 0.1, timeout: 300) { $0.contains("extract ") || $0.contains("pane-done") }
        #expect(extracting.last?.contains("extract ") == true, "\(extracting.last ?? "")")
        let live = try PipelineProcess.run(["inspect", run])
        #expect(live.status == 1)
        #expect(live.stderr.hasPrefix("error: \(run) has no finished run yet: its run is in progress (pid "), "\(live.stderr)")

        let training = try pane.watch(every: 0.05, timeout: 300) { $0.contains("train: ") || $0.contains("pane-done") }
        #expect(training.last?.contains("train: ") == true, "\(training.last ?? "")")
        try pane.send("C-c")
        let screens = try pane.watch(every: 0.2, timeout: 60) { $0.contains("pane-done") }
        let screen = screens.last ?? ""
        #expect(screen.contains("interrupted in train; `pipeline run \(ws.pipeline.path)` resumes"), "\(screen)")

        let state = try String(contentsOf: ws.runDirectory.appendingPathComponent("run_state.json"), encoding: .utf8)
        #expect(state.contains("\"status\" : \"interrupted\"") && state.contains("\"stage\" : \"train\""), "\(state)")
        let inspect = try PipelineProcess.run(["inspect", run])
        #expect(inspect.status == 1)
        #expect(inspect.stderr.hasPrefix("error: \(run) has no finished run yet: its run is interrupted in train"), "\(inspect.stderr)")
        #expect(inspect.stderr.contains("`pipeline run \(ws.pipeline.path)` resumes"), "\(inspect.stderr)")
        let predict = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "i00010"])
        #expect(predict.status == 1)
        #expect(predict.stderr.hasPrefix("error: \(run) has no finished run yet: its run is interrupted in train"), "\(predict.stderr)")
        for word in ["NSCocoaErrorDomain", "Error Domain="] { #expect(!predict.stderr.contains(word)) }
    }
}
