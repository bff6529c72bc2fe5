import ArgumentParser
import FeaturePipeline
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.html of a finished run again (every run writes it).",
        discussion: """
            One self-contained page (inline SVG, no scripts, no network): the run
            summary, learning curves, test metrics per bucket beside the baselines,
            the modality ablation, and a PCA of the item embeddings coloured by an
            item field. The same run folder always gives the same bytes.

            Examples:
              pipeline report runs/demo
              pipeline report runs/demo --color-by genres -o /tmp/demo.html
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Option(name: .customLong("color-by"),
            help: ArgumentHelp("Item column that colours the embedding plot (default: the first categorical or multi-hot item field, else warm/cold).",
                               valueName: "field"))
    var colorBy: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the page (default: RUN/report.html).", valueName: "file"))
    var output: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        try ArgumentChecks.path(runFolder, "run folder")
        try ArgumentChecks.path(output, "--output file")
    }

    func run() throws {
        common.bootstrap()
        try reportingErrors {
            let written = try ReportWriter.write(runDirectory: URL(fileURLWithPath: runFolder), colorBy: colorBy,
                                                 to: output.map { URL(fileURLWithPath: $0) })
            if !common.quiet { print("wrote \(written.url.path) (\(written.bytes / 1024) KiB)") }
        }
    }
}
