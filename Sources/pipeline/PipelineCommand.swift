import ArgumentParser
import FeaturePipeline
import Foundation

@main
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Turn a catalog of items (text, images, audio) and users' ratings into item embeddings and a trained rating model.",
        discussion: """
            Everything is described by one YAML pipeline file (see docs/pipeline-spec.md).

            Example:
              pipeline run pipelines/catalog.yaml
              pipeline recommend runs/demo --user u0001 -k 10
              pipeline inspect runs/demo

            Exit status: 0 ok, 1 failure, 3 invalid pipeline file, 4 partial failure,
            64 usage error (docs/cli.md).
            """,
        version: ToolVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, ConfigCommand.self, PredictCommand.self, RecommendCommand.self,
            SimilarCommand.self, ServeCommand.self, ExtractCommand.self, FitCommand.self, MergeCommand.self, ProbeCommand.self, ReportCommand.self, InspectCommand.self, GenerateCommand.self,
        ])

    static func main() {
        ProcessSetup.blasSettings()
        ProcessSetup.faultDelayFromEnvironment()
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            Foundation.exit(CommandLineErrors.report(error, arguments: arguments))
        }
    }
}
