import ArgumentParser
import FeaturePipeline
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file and report every problem with its line and a hint.",
        discussion: """
            Exit status 0 when the file is valid, 3 when it has problems.

            Example:
              pipeline validate pipelines/catalog.yaml
            """)

    @Argument(help: "The pipeline file.") var file: String

    func validate() throws {
        try ArgumentChecks.path(file, "pipeline file")
    }

    func run() throws {
        try reportingErrors {
            let spec = try PipelineSpec.load(URL(fileURLWithPath: file))
            print("\(file): valid (pipeline '\(spec.name)', outputs in \(spec.outputs.directory.path))")
        }
    }
}
