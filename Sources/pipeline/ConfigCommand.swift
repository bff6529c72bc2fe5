import ArgumentParser
import FeaturePipeline
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print a pipeline file with every default filled in, or the reference of every key.",
        discussion: """
            Examples:
              pipeline config pipelines/catalog.yaml --resolved
              pipeline config --reference
            """)

    @Argument(help: "The pipeline file.") var file: String?
    @Flag(help: "Print the file with every default filled in (the default).") var resolved = false
    @Flag(help: "Print the reference of every key (Markdown), as in docs/pipeline-spec.md.") var reference = false

    func validate() throws {
        try ArgumentChecks.path(file, "pipeline file")
        if file == nil && !reference { throw ValidationError("give a pipeline file, or --reference") }
    }

    func run() throws {
        try reportingErrors {
            if reference {
                print(SpecReferenceDocument.markdownTable(), terminator: "")
                return
            }
            let spec = try PipelineSpec.load(URL(fileURLWithPath: file!))
            print(spec.resolvedYAML, terminator: "")
        }
    }
}
