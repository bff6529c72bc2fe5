import ArgumentParser
import FeaturePipeline
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict one user's rating of one item with a trained run.",
        discussion: """
            Users or items without ratings in the run are scored through the cold-start path
            (content for items; the unknown-user row for users); the output says so. With
            --catalog, the item is looked up in that pipeline file's items file instead, so a new
            item with a title, a picture or a sound but no ratings can be scored.

            Example:
              pipeline predict runs/demo --user u0001 --item i00042
              pipeline predict runs/demo --user u0001 --item new-42 --catalog new-items.yaml --json
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Option(help: "User id.") var user: String
    @Option(help: "Item id.") var item: String
    @Option(help: "A pipeline file whose items file holds the item (new items scored from content).") var catalog: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        try ArgumentChecks.path(catalog, "--catalog pipeline file")
        try ArgumentChecks.path(runFolder, "run folder")
    }

    func run() throws {
        try reportingErrors {
            let trained = try TrainedRun(directory: URL(fileURLWithPath: runFolder))
            let p = try catalog.map { try trained.predict(user: user, item: item, catalogOf: PipelineSpec.load(URL(fileURLWithPath: $0))) }
                ?? trained.predict(user: user, item: item)
            if json {
                print(String(decoding: try StableJSON.encode(p, pretty: false).dropLast(), as: UTF8.self))
            } else {
                let notes = [p.userKnown ? nil : "user has no train ratings: cold-user path",
                             p.itemKnown ? nil : "item has no train ratings: scored from its content"].compactMap { $0 }
                print(String(format: "%.3f", p.prediction) + (notes.isEmpty ? "" : "  (\(notes.joined(separator: "; ")))"))
            }
        }
    }
}
