import ArgumentParser
import FeaturePipeline
import Foundation

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict one user's rating of one item with a trained run.",
        discussion: """
            Users or items without ratings in the run are scored through the cold-start path
            (content for items; the unknown-user row for users); the output says so.

            Example:
              pipeline predict runs/demo --user u0001 --item i00042
              pipeline predict runs/demo --user u0001 --item i00042 --json
            """)

    @Argument(help: "The run folder (outputs.dir of a finished `pipeline run`).") var run: String
    @Option(help: "User id.") var user: String
    @Option(help: "Item id.") var item: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        try await reportingErrors {
            let trained = try TrainedRun(directory: URL(fileURLWithPath: run))
            let p = try trained.predict(user: user, item: item)
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
