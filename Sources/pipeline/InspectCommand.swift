import ArgumentParser
import FeaturePipeline
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the summary of a finished run: stages, data counts, extraction, errors, training, metrics.",
        discussion: """
            The text holds what report.html shows, with tables instead of charts.
            --json prints one object for programs: summary.json, the stage
            summaries, metrics.json and the error counts of errors.jsonl, each in
            the encoding of its file.

            Examples:
              pipeline inspect runs/demo
              pipeline inspect runs/demo --json | jq '.metrics.test.fused.all.rmse'
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        try ArgumentChecks.path(runFolder, "run folder")
    }

    func run() throws {
        try reportingErrors {
            let report = try RunReport.load(from: URL(fileURLWithPath: runFolder))
            if json {
                print(String(decoding: try StableJSON.encode(report), as: UTF8.self), terminator: "")
            } else {
                print(report.text(), terminator: "")
            }
        }
    }
}
