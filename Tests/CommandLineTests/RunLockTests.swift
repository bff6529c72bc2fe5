import Foundation
import TestSupport
import Testing

/// Two `pipeline run` processes on one output folder: the second fails at once with one line
/// naming the holder, and the first finishes with the same bytes as a run that was alone.
@Suite(.serialized) struct RunLockTests {
    static let compared = ["item_embeddings.npy", "item_embeddings.safetensors", "item_ids.txt", "model.safetensors",
                           "model.json", "errors.jsonl", "pipeline.resolved.yaml"]

    @Test func aSecondRunOnTheSameFolderFailsNamingTheHolder() throws {
        let reference = try HostileCatalog.workspace("lock-ref", onError: "fallback", epochs: 4)
        let ws = try HostileCatalog.workspace("lock", onError: "fallback", epochs: 4)
        defer { reference.remove(); ws.remove() }
        #expect(try PipelineProcess.run(["run", reference.pipeline.path, "-q"]).status == 0)

        // The first run is slowed so it holds the lock for seconds; the second starts once the
        // first is inside the extract stage.
        let first = PipelineProcess.start(["run", ws.pipeline.path, "--verbose"], environment: ["PIPELINE_FAULT_DELAY_MS": "3"])
        let err = Pipe()
        first.standardError = err
        first.standardOutput = FileHandle.nullDevice
        let seen = MarkerWatch("extract: started")
        err.fileHandleForReading.readabilityHandler = { seen.feed($0.availableData) }
        try first.run()
        while first.isRunning && !seen.found { usleep(2000) }
        #expect(first.isRunning, "the first run ended before the second could start")

        // Another pipeline file with the same outputs.dir is refused the same way.
        let other = ws.root.appendingPathComponent("pipelines/other name.yaml")
        try FileManager.default.copyItem(at: ws.pipeline, to: other)
        for file in [ws.pipeline, other] {
            let second = try PipelineProcess.run(["run", file.path])
            #expect(second.status == 1)
            #expect(second.stderr == "error: another pipeline run (pid \(first.processIdentifier)) is using \(ws.runDirectory.path) (hint: wait for it to finish, or set outputs.dir to another folder)\n",
                    "\(second.stderr)")
            #expect(first.isRunning, "the second run returned only after the first finished: it waited instead of failing")
        }

        first.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        #expect(first.terminationStatus == 0)
        for name in Self.compared {
            let a = try Data(contentsOf: reference.runDirectory.appendingPathComponent(name))
            let b = try Data(contentsOf: ws.runDirectory.appendingPathComponent(name))
            #expect(a == b, "\(name) differs from the run that was alone")
        }
        #expect(leftoverTemporaries(ws.runDirectory).isEmpty)

        // Once the holder is gone the folder is free again, even though .lock (with its pid) stays.
        #expect(FileManager.default.fileExists(atPath: ws.runDirectory.appendingPathComponent(".lock").path))
        let third = try PipelineProcess.run(["run", ws.pipeline.path])
        #expect(third.status == 0 && third.stderr.contains("every stage was up to date"), "\(third.stderr)")
    }
}
