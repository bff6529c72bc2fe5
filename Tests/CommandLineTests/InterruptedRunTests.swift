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

        // The bar ("train [███░░…] 13% 4/30 …") is drawn while epochs run; "train: …" is the line
        // left once training has finished, too late for a Ctrl-C that must land inside it.
        let training = try pane.watch(every: 0.05, timeout: 300) { $0.contains("train [") || $0.contains("pane-done") }
        #expect(training.last?.contains("train [") == true, "\(training.last ?? "")")
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

/// A folder with a complete run whose next run (new training options) is stopped in training:
/// predictions are still served, from the complete run's model, with a note; inspect says
/// which run it shows.
@Suite struct ServingAfterInterruptionTests {
    @Test func theLastCompleteModelIsServedWithANote() throws {
        let ws = try CatalogWorkspace("serve-after-stop")
        defer { ws.remove() }
        #expect(try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"]).status == 0)
        var yaml = try String(contentsOf: ws.pipeline, encoding: .utf8)
        yaml += "\ntrain: {learning_rate: 0.001}\n"
        try yaml.write(to: ws.pipeline, atomically: true, encoding: .utf8)

        let process = PipelineProcess.start(["run", ws.pipeline.path, "--quiet"], environment: ["PIPELINE_FAULT_DELAY_MS": "20"])
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stateFile = ws.runDirectory.appendingPathComponent("run_state.json")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let text = try? String(contentsOf: stateFile, encoding: .utf8), text.contains("\"stage\" : \"train\"") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()  // SIGTERM
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("interrupted in train; `pipeline run \(ws.pipeline.path)` resumes"), "\(stderr)")

        let predict = try PipelineProcess.run(["predict", ws.runDirectory.path, "--user", "u0001", "--item", "i00010"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stderr.hasPrefix("note: serving the last complete model; the folder's latest run is interrupted in train"), "\(predict.stderr)")
        let inspect = try PipelineProcess.run(["inspect", ws.runDirectory.path])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("latest run: interrupted in train") == true, "\(inspect.stdout.prefix(300))")
    }
}
