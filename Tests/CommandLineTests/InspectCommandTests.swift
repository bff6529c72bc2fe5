import Foundation
import TestSupport
import Testing

/// `pipeline inspect`: the run summary as text and as JSON.
@Suite struct InspectCommandTests {
    @Test func textShowsEverySection() throws {
        let run = try FixtureRun.directory()
        let result = try PipelineProcess.run(["inspect", run.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        for expected in ["run demo (", "stages", "preprocessing", "rows after", "split (rows)", "extraction", "audio", "errors: none",
                         "training:", "test metrics", "global_mean", "ablation (masked − full, bucket all)"] {
            #expect(text.contains(expected), "\(expected)")
        }
        for stage in ["load", "preprocess", "split", "extract", "train", "evaluate", "export"] {
            #expect(text.contains("\n  \(stage) "), "\(stage)")
        }
        #expect(!text.utf8.contains(0x1B))
    }

    @Test func jsonCarriesTheRunsNumbers() throws {
        let run = try FixtureRun.directory()
        let result = try PipelineProcess.run(["inspect", run.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["pipeline"] as? String == "demo")
        #expect((object["stages"] as? [Any])?.count == 7)
        let metrics = try FixtureRun.json("metrics.json")
        let rmse = { (m: [String: Any]?) in (((m?["test"] as? [String: Any])?["fused"] as? [String: Any])?["all"] as? [String: Any])?["rmse"] as? Double }
        #expect(rmse(object["metrics"] as? [String: Any]) == rmse(metrics))
        #expect((object["errors"] as? [String: Any])?["total"] as? Int == 0)
    }

    @Test func aFolderThatIsNotARunIsOneLineWithStatus1() throws {
        let result = try PipelineProcess.run(["inspect", "/nonexistent/run"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: /nonexistent/run is not a finished run"))
        #expect(result.stdout.isEmpty)
    }
}
