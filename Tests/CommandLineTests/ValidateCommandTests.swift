import Foundation
import TestSupport
import Testing

@Suite struct ValidateCommandTests {
    @Test func threePlantedMistakesGiveThreeLinesAndStatus3() throws {
        let dir = Repository.temporaryDirectory("validate")
        let file = dir.appendingPathComponent("broken.yaml")
        try """
            name: demo
            data:
              items: {path: items.csv}
              interactions: {path: ratings.csv, ratng: stars}
            split: {method: temporal, valid: 0.1}
            train:
              batch_size: 0
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["validate", file.path])
        #expect(result.status == 3)
        #expect(result.stderr.split(separator: "\n").map(String.init) == [
            "error: \(file.path):4:37: data.interactions.ratng: unknown key 'ratng' (hint: did you mean 'rating'?)",
            "error: \(file.path):5:17: split.method: method 'temporal' needs timestamps (hint: set data.interactions.timestamp to the time column)",
            "error: \(file.path):7:15: train.batch_size: 0 is out of range (hint: allowed: 1 to 65536)",
            "3 problems in the pipeline file",
        ])
        #expect(result.stdout.isEmpty)
    }

    @Test func aValidFileExitsZero() throws {
        let result = try PipelineProcess.run(["validate", Repository.root.appendingPathComponent("pipelines/catalog.yaml").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("valid"))
    }

    @Test func aMissingFileIsOneClearLine() throws {
        let result = try PipelineProcess.run(["validate", "/nonexistent/p.yaml"])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("error: /nonexistent/p.yaml:1:1: (top level): cannot read the file"))
    }
}
