import ArgumentParser
import FeaturePipeline
import Foundation

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit what extraction learns from the whole catalog, once, for sharded extracts.",
        discussion: """
            Streams the items file and fits the item fields' scalers and vocabularies, the text
            vocabulary and idf and the audio scaler, as an unsharded `pipeline extract` does, and
            writes them to --output (default: <outputs.dir>/fit): states.json and fit.json (the
            configuration's hash and the states' hash). Every `pipeline extract --shard I/N --fit DIR`
            then embeds its items alike. See docs/scale-out.md.

            Example:
              pipeline fit pipelines/catalog.yaml --output /shared/fit
            """)

    @OptionGroup var catalog: CatalogFileArguments
    @Option(help: "Output folder.") var output: String?
    @OptionGroup var common: CommonOptions

    func validate() throws { try ArgumentChecks.path(output, "--output folder") }

    func run() throws {
        common.bootstrap()
        ProcessSetup.returnLargeBuffersToSystem()
        try reportingErrors {
            let spec = try catalog.spec()
            let out = output.map { URL(fileURLWithPath: $0) } ?? spec.outputs.directory.appendingPathComponent("fit")
            var fit = CatalogFit(spec: spec, output: out)
            fit.quiet = common.quiet
            if let threads = catalog.threads { fit.threads = threads }
            let summary = try fit.execute()
            if !common.quiet {
                let what = summary.fitted.isEmpty ? "nothing to fit" : summary.fitted.joined(separator: ", ")
                Terminal.writeError("fit: \(summary.items) items (\(what)); fit \(summary.fitHash.prefix(12)) written to \(out.path)\n")
            }
        }
    }
}
