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

            With --shard I/N (or a scheduler's JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or
            OMPI_COMM_WORLD_RANK), only the items whose id hashes to shard I are embedded, into the
            part folder --output/part-I-of-N; `pipeline merge` joins the N parts into the files an
            unsharded extract writes. Shards need --fit (from `pipeline fit`) or --model unless no
            extractor fits on the catalog. See docs/scale-out.md.

            Example:
              pipeline extract pipelines/catalog.yaml --model runs/demo
              pipeline extract pipelines/catalog.yaml --output /tmp/embeddings
              pipeline extract catalog.yaml --fit fit --shard 2/8 --output parts
            """)

    @OptionGroup var catalog: CatalogFileArguments
    @Option(help: "A finished run whose trained model embeds the items.") var model: String?
    @Option(help: "A fit folder (`pipeline fit`) whose states are used instead of fitting on the catalog.") var fit: String?
    @Option(help: "Output folder (with a shard: the folder the part folder is written in).") var output: String?
    @Option(help: "Extract only shard I of N (I from 0), e.g. 2/8.") var shard: String?
    @Option(help: "The number of shards, when the index comes from the environment.") var shardCount: Int?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        try ArgumentChecks.path(model, "--model run folder")
        try ArgumentChecks.path(fit, "--fit folder")
        try ArgumentChecks.path(output, "--output folder")
    }

    func run() throws {
        common.bootstrap()
        ProcessSetup.returnLargeBuffersToSystem()
        try reportingErrors {
            let spec = try catalog.spec()
            let selected = try ShardSelection.resolve(shardFlag: shard, countFlag: shardCount,
                                                      environment: ProcessInfo.processInfo.environment)
            let defaultOutput = selected == nil ? "extract" : "extract-parts"
            let out = output.map { URL(fileURLWithPath: $0) } ?? spec.outputs.directory.appendingPathComponent(defaultOutput)
            var extraction = OfflineExtraction(spec: spec, run: model.map { URL(fileURLWithPath: $0) }, output: out)
            extraction.fit = fit.map { URL(fileURLWithPath: $0) }
            extraction.shard = selected
            extraction.quiet = common.quiet
            if let threads = catalog.threads { extraction.threads = threads }
            let summary = try extraction.execute()
            if !common.quiet {
                let place = selected.map { "shard \($0) " } ?? ""
                let folder = selected.map { out.appendingPathComponent($0.folderName) } ?? out
                Terminal.writeError("extract: \(place)\(summary.items) items × \(summary.dimension) dimensions "
                    + "(\(summary.usedModel ? "trained model" : "frozen extractors")), \(summary.failures) rejected inputs; written to \(folder.path)\n")
            }
        }
    }
}
