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

            --explain adds what the prediction rests on: the prediction with each modality
            left out for this pair (its learned missing vector in its place) and the three
            items the user rated whose vectors lie nearest the item's.

            Examples:
              pipeline predict runs/demo --user u0001 --item i00042
              pipeline predict runs/demo --user u0001 --item i00042 --explain
              pipeline predict runs/demo --user u0001 --item new-42 --catalog new.yaml
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Option(help: "User id.") var user: String
    @Option(help: "Item id.") var item: String
    @Option(help: "A pipeline file whose items file holds the item (new items scored from content).") var catalog: String?
    @Flag(help: "Also show each modality's share of the score and the user's nearest rated items.") var explain = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if explain && catalog != nil { throw ValidationError("--explain works on the run's own items, not with --catalog") }
        try ArgumentChecks.path(catalog, "--catalog pipeline file")
        try ArgumentChecks.path(runFolder, "run folder")
    }

    func run() throws {
        try reportingErrors {
            let trained = try openTrainedRun(runFolder)
            let p = try catalog.map { try trained.predict(user: user, item: item, catalogOf: PipelineSpec.load(URL(fileURLWithPath: $0))) }
                ?? trained.predict(user: user, item: item)
            let explanation = explain ? try trained.explain(user: user, item: item) : nil
            if json {
                let line = PredictionLine(prediction: p, explanation: explanation)
                print(String(decoding: try StableJSON.encode(line, pretty: false).dropLast(), as: UTF8.self))
            } else {
                let notes = [p.userKnown ? nil : "user has no train ratings: cold-user path",
                             p.itemKnown ? nil : "item has no train ratings: scored from its content"].compactMap { $0 }
                print(String(format: "%.3f", p.prediction) + (notes.isEmpty ? "" : "  (\(notes.joined(separator: "; ")))"))
                if let explanation { print(ExplanationText.lines(explanation), terminator: "") }
            }
        }
    }
}

/// `predict --json`: the prediction, and with --explain its explanation.
struct PredictionLine: Encodable {
    var prediction: TrainedRun.Prediction
    var explanation: TrainedRun.Explanation?

    func encode(to encoder: any Encoder) throws {
        try prediction.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(explanation, forKey: .explanation)
    }

    enum Key: String, CodingKey { case explanation }
}

enum ExplanationText {
    static func lines(_ e: TrainedRun.Explanation) -> String {
        var out = ""
        for m in e.modalities {
            out += "  without \(m.modality): " + String(format: "%.3f (%+.3f from ", m.prediction, m.contribution) + "\(m.modality))\n"
        }
        if e.nearestRated.isEmpty { out += "  the user rated nothing in train: no neighbours\n" }
        for n in e.nearestRated {
            out += "  rated \(n.item) " + String(format: "%g (similarity %.3f)\n", n.rating, n.similarity)
        }
        return out
    }
}
