import Foundation
import TestSupport

/// One `pipeline run` of the fixture catalog, shared by the report, inspect and rendering tests
/// (the run takes a few seconds; the tests only read its folder).
enum FixtureRun {
    /// The workspace's root folder; the run folder is inside it.
    private static let workspace: Result<(root: URL, run: URL), any Error> = Result {
        let ws = try CatalogWorkspace("fixture-run")
        atexit { FixtureRun.remove() }
        let run = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        guard run.status == 0 else { throw RunFailed(stderr: run.stderr) }
        return (ws.root, ws.runDirectory)
    }

    /// Removes the workspace (8 MB) when the test process exits, so that it is not left in /tmp.
    private static func remove() {
        if let root = try? workspace.get().root { try? FileManager.default.removeItem(at: root) }
    }

    struct RunFailed: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "pipeline run of the fixture catalog failed: \(stderr)" }
    }

    /// The run folder (outputs.dir of the demo pipeline on a private copy of fixtures/catalog).
    static func directory() throws -> URL { try workspace.get().run }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory().appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory().appendingPathComponent(name))) as? [String: Any] ?? [:]
    }
}
