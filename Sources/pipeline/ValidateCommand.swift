import ArgumentParser
import FeaturePipeline
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file and report every problem with its line and a hint.",
        discussion: """
            Also reads the first block of each data file: the files exist, every
            configured column is in their header, the first ratings and timestamps
            parse (--no-data skips this). Exit status 0 when all is well, 3 when the
            pipeline file has problems, 1 when the data does.

            Example:
              pipeline validate pipelines/catalog.yaml
            """)

    @Argument(help: "The pipeline file.") var file: String
    @Flag(help: "Check the pipeline file only, not the data files it names.") var noData = false

    func validate() throws {
        try ArgumentChecks.path(file, "pipeline file")
    }

    func run() throws {
        try reportingErrors {
            let spec = try PipelineSpec.load(URL(fileURLWithPath: file))
            let problems = noData ? [] : DataPreflight.problems(spec)
            for problem in problems { Terminal.reportError("\(problem)") }
            guard problems.isEmpty else {
                Terminal.writeError("\(problems.count) problem\(problems.count == 1 ? "" : "s") in the data files "
                                    + "(`pipeline validate --no-data` checks the pipeline file alone)\n")
                throw ExitCode(ExitStatus.failure)
            }
            print("\(file): valid (pipeline '\(spec.name)', outputs in \(spec.outputs.directory.path)"
                  + (noData ? ")" : "; data files readable, configured columns present)"))
        }
    }
}
