import ArgumentParser
import FeaturePipeline
import Foundation

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "List the top-K items for a user, excluding items the user already rated.",
        discussion: """
            Items come in the order of the run's ranking score (model.json "scoring"); each line
            is rank, item, score and the predicted rating (clipped to the rating range; absent
            for implicit feedback). Equal scores go to the item with more train interactions,
            then the smaller id. A user the run never saw gets the cold-user ranking (no id, no
            history); the output says so.

            Example:
              pipeline recommend runs/demo --user u0001 -k 10
              pipeline recommend runs/demo --user u0001 -k 5 --json
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Option(help: "User id.") var user: String
    @Option(name: .short, help: "How many items.") var k = 10
    @Flag(help: "Print one JSON object per line.") var json = false

    func validate() throws {
        try ArgumentChecks.path(runFolder, "run folder")
        guard k > 0 else { throw ValidationError("-k must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let trained = try TrainedRun(directory: URL(fileURLWithPath: runFolder))
            let (known, items) = try trained.recommend(user: user, k: k)
            if !known {
                Terminal.writeError("note: user '\(user)' has no ratings in this run; showing the cold-user ranking\n")
            }
            for r in items {
                if json {
                    print(String(decoding: try StableJSON.encode(r, pretty: false).dropLast(), as: UTF8.self))
                } else {
                    print("\(r.rank)\t\(r.item)\t" + String(format: "%.3f", r.score)
                          + (r.rating.map { "\t" + String(format: "%.2f", $0) } ?? ""))
                }
            }
        }
    }
}
