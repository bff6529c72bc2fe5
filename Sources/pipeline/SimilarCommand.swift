import ArgumentParser
import FeaturePipeline
import Foundation

struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "List the items most like one item: cosine similarity of the run's item vectors.",
        discussion: """
            The vectors are the fused item vectors the run exports (item_embeddings.npy), so a
            numpy reader of those files gets the same list. Each line is rank, item, cosine
            similarity and the --show columns (default: the first text field). Equal
            similarities go to the smaller id.

            Examples:
              pipeline similar runs/demo i00042 -k 10
              pipeline similar runs/demo i00042 --show title,genres --json
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Argument(help: "Item id.") var item: String
    @OptionGroup var list: ItemListOptions

    func validate() throws {
        try ArgumentChecks.path(runFolder, "run folder")
    }

    func run() throws {
        try reportingErrors {
            let trained = try openTrainedRun(runFolder)
            let neighbours = try trained.similar(to: item, k: list.k)
            let columns = list.columns(default: trained.defaultShowColumns)
            let shown = try trained.show(columns, items: neighbours.map(\.item))
            for (n, values) in zip(neighbours, shown) {
                if list.json {
                    let line = SimilarLine(rank: n.rank, item: n.item, similarity: n.similarity, show: columns.isEmpty ? nil : values)
                    print(String(decoding: try StableJSON.encode(line, pretty: false).dropLast(), as: UTF8.self))
                } else {
                    print((["\(n.rank)", n.item, String(format: "%.4f", n.similarity)] + columns.map { values[$0] ?? "" }).joined(separator: "\t"))
                }
            }
        }
    }
}

/// One line of `similar --json`.
struct SimilarLine: Encodable {
    var rank: Int
    var item: String
    var similarity: Float
    var show: [String: String]?
}
