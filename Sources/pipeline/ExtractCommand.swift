import ArgumentParser
import FeaturePipeline
import Foundation

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Write item embeddings for every item of a catalog, without training.",
        discussion: """
            With --model, a trained run's encoders and item tower embed each item (items the run
            never saw are embedded from their content). Without it, the extractors run with seeded,
            frozen weights. Writes item_embeddings.npy, item_ids.txt, item_embeddings.safetensors
            and errors.jsonl to --output (default: <outputs.dir>/extract).

            Example:
              pipeline extract pipelines/catalog.yaml --model runs/demo
              pipeline extract pipelines/catalog.yaml --output /tmp/embeddings
            """)

    @Argument(help: "The pipeline file (its data and features sections are used).") var file: String
    @Option(help: "A finished run whose trained model embeds the items.") var model: String?
    @Option(help: "Output folder.") var output: String?
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        try ArgumentChecks.path(file, "pipeline file")
        try ArgumentChecks.path(model, "--model run folder")
        try ArgumentChecks.path(output, "--output folder")
        try ArgumentChecks.threads(threads)
    }

    func run() throws {
        common.bootstrap()
        ProcessSetup.returnLargeBuffersToSystem()
        try reportingErrors {
            let spec = try PipelineSpec.load(URL(fileURLWithPath: file))
            let out = output.map { URL(fileURLWithPath: $0) } ?? spec.outputs.directory.appendingPathComponent("extract")
            var extraction = OfflineExtraction(spec: spec, run: model.map { URL(fileURLWithPath: $0) }, output: out)
            extraction.quiet = common.quiet
            if let threads { extraction.threads = threads }
            let summary = try extraction.execute()
            if !common.quiet {
                Terminal.writeError("extract: \(summary.items) items × \(summary.dimension) dimensions "
                    + "(\(summary.usedModel ? "trained model" : "frozen extractors")), \(summary.failures) rejected inputs; written to \(out.path)\n")
            }
        }
    }
}
