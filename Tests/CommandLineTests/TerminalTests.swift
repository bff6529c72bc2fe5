import Foundation
import TestSupport
import Testing

/// What a person sees: the progress bar on a terminal (tmux), plain lines and no escape codes
/// when output is redirected, colours only on a terminal without NO_COLOR, --quiet and --verbose.
@Suite struct TerminalTests {
    static let pipeline = shellQuoted(PipelineProcess.binary.path)

    @Test(.enabled(if: TmuxPane.available, "tmux is not installed (scripts/install-deps installs it)"))
    func progressBarIsDrawnAndUpdatesOnATerminal() throws {
        let ws = try CatalogWorkspace("tmux-bar")
        defer { ws.remove() }
        let stdout = ws.root.appendingPathComponent("stdout.txt")
        let pane = try TmuxPane("cd \(shellQuoted(ws.root.path)) && env -u NO_COLOR \(Self.pipeline) run pipelines/catalog.yaml --threads 1 "
                                + "> \(shellQuoted(stdout.path)); echo \"exit=$?\"")
        let screens = try pane.watch { $0.contains("pane-done") }
        let last = try #require(screens.last)
        #expect(last.contains("exit=0"), "\(last)")

        let bars = screens.flatMap { $0.split(separator: "\n") }.filter { $0.contains(" [") && $0.contains("ETA") }
        #expect(Set(bars).count >= 2, "the bar is redrawn with new counts: \(Set(bars))")
        for bar in bars {
            #expect(bar.count < 120, "the bar fits the 120-column pane: \(bar)")
            #expect(bar.contains("items/s") || bar.contains("epochs/s") || bar.contains("models/s"))
        }
        let counts = bars.filter { $0.hasPrefix("extract audio [") }.compactMap { $0.split(separator: " ").first { $0.contains("/300") }.flatMap { Int($0.split(separator: "/")[0]) } }
        #expect(!counts.isEmpty && counts == counts.sorted(), "counts only go up: \(counts)")
        // At the end each bar is replaced by one line that stays; none is left half drawn.
        #expect(last.contains("extract audio: 300/300 items in"))
        #expect(!last.contains("ETA"), "\(last)")
        #expect(last.contains("run summary ("))
        let written = try Data(contentsOf: stdout)
        #expect(!written.contains(0x1B), "stdout redirected to a file has no escape codes")
    }

    @Test(.enabled(if: TmuxPane.available, "tmux is not installed (scripts/install-deps installs it)"))
    func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let pane = try TmuxPane("env -u NO_COLOR \(Self.pipeline) validate /nonexistent/a.yaml; "
                                + "NO_COLOR=1 \(Self.pipeline) validate /nonexistent/b.yaml; "
                                + "env -u NO_COLOR \(Self.pipeline) validate /nonexistent/c.yaml 2>&1 | cat")
        _ = try pane.watch { $0.contains("pane-done") }
        let lines = try pane.capture(escapes: true).split(separator: "\n").map(String.init)
        let a = try #require(lines.first { $0.contains("/nonexistent/a.yaml") })
        let b = try #require(lines.first { $0.contains("/nonexistent/b.yaml") })
        let c = try #require(lines.first { $0.contains("/nonexistent/c.yaml") })
        #expect(a.hasPrefix("\u{1B}[31merror:"), "red on a terminal: \(a.debugDescription)")
        #expect(b.hasPrefix("error:") && !b.contains("\u{1B}"), "NO_COLOR: \(b.debugDescription)")
        #expect(c.hasPrefix("error:") && !c.contains("\u{1B}"), "into a pipe: \(c.debugDescription)")
    }

    @Test func redirectedOutputHasPlainLinesAndNoEscapeCodes() throws {
        let ws = try CatalogWorkspace("plain")
        defer { ws.remove() }
        // NO_COLOR empty counts as unset; a colour-capable TERM: only the pipes keep colours off.
        let colourful = ["NO_COLOR": "", "TERM": "xterm-256color"]
        let run = try PipelineProcess.run(["run", ws.pipeline.path], environment: colourful)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.utf8.contains(0x1B) && !run.stderr.utf8.contains(0x1B))
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("extract audio: 300/300 items in") })
        #expect(lines.contains { $0.hasPrefix("extract audio: ") && $0.contains("% ") && $0.contains("ETA") }, "periodic lines: \(run.stderr)")
        #expect(!run.stderr.contains("\r"))

        let quiet = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"], environment: colourful)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty, "\(quiet.stderr)")
        let verbose = try PipelineProcess.run(["run", ws.pipeline.path, "--verbose"], environment: colourful)
        #expect(verbose.stderr.contains("debug: load: up to date"), "\(verbose.stderr)")
        #expect(!verbose.stderr.utf8.contains(0x1B))
        for args in [["inspect", ws.runDirectory.path], ["report", ws.runDirectory.path], ["--help"]] {
            let result = try PipelineProcess.run(args, environment: colourful)
            #expect(!result.stdout.utf8.contains(0x1B) && !result.stderr.utf8.contains(0x1B), "\(args)")
        }
    }
}
