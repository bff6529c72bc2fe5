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

    /// validate reads the first block of each data file: a missing items file, a text column
    /// that is not in the header and a rating column of words are each one located line, in
    /// milliseconds, where `run` would have found them one at a time.
    @Test func dataProblemsAreFoundWithoutARun() throws {
        let ws = try CatalogWorkspace("validate-data")
        defer { ws.remove() }
        var yaml = try String(contentsOf: ws.pipeline, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "fields: [title, description]", with: "fields: [title, descripton]")
        yaml = yaml.replacingOccurrences(of: "rating: rating", with: "rating: user_id")
        try yaml.write(to: ws.pipeline, atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["validate", ws.pipeline.path])
        let items = ws.catalog.appendingPathComponent("items.csv").path, ratings = ws.catalog.appendingPathComponent("ratings.csv").path
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("error: \(items): column 'descripton': no column 'descripton' (configured as the text field by features.text.fields)") == true, "\(result.stderr)")
        #expect(lines.first?.hasSuffix("(hint: did you mean 'description'? set features.text.fields: description)") == true, "\(result.stderr)")
        #expect(lines.dropFirst().first?.hasPrefix("error: \(ratings):2: column 'user_id': rating 'u0001' is not a number (50 of the first 50 rows)") == true, "\(result.stderr)")
        #expect(lines.last == "2 problems in the data files (`pipeline validate --no-data` checks the pipeline file alone)")
        #expect(try PipelineProcess.run(["validate", ws.pipeline.path, "--no-data"]).status == 0)

        try FileManager.default.removeItem(atPath: items)
        let missing = try PipelineProcess.run(["validate", ws.pipeline.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: \(items): cannot read the file: no such file or folder (hint: check the path in the pipeline file"), "\(missing.stderr)")
    }

    /// Float options print as the numbers written, not their Double widening (0.48500001430511475).
    @Test func resolvedConfigPrintsFloatsAsWritten() throws {
        let config = try PipelineProcess.run(["config", Repository.root.appendingPathComponent("pipelines/catalog.yaml").path, "--resolved"])
        #expect(config.status == 0)
        #expect(config.stdout.contains("    mean: [0.485, 0.456, 0.406]\n    std: [0.229, 0.224, 0.225]\n"), "\(config.stdout)")
    }
}
