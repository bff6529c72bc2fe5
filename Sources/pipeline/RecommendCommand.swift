import ArgumentParser
import FeaturePipeline
import Foundation

extension TrainedRun.SeenItems: ExpressibleByArgument {}

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "List the top-K items for a user, excluding items the user already rated.",
        discussion: """
            Items come in the order of the run's ranking score (model.json "scoring"); each line
            is rank, item, score, the predicted rating (clipped to the rating range; absent for
            implicit feedback) and the --show columns (default: the first text field). Equal
            scores go to the item with more train interactions, then the smaller id. A user the
            run never saw gets the cold-user ranking (no id, no history); the output says so
            and the JSON's user_known is false. --history FILE recommends for someone the run
            never saw from their ratings (item and rating columns): the towers see those items
            and statistics, no id; the rated items are left out. --catalog FILE ranks the
            items of that pipeline file's items file instead, new ones from their content.

            Examples:
              pipeline recommend runs/demo --user u0001 -k 10
              pipeline recommend runs/demo --user u0001 --show title,genres --json
              pipeline recommend runs/demo --user u0001 --exclude-seen train
              pipeline recommend runs/demo --history my-ratings.csv
              pipeline recommend runs/demo --user u0001 --catalog new.yaml
            """)

    @Argument(help: ArgumentHelp("The run folder (outputs.dir of a finished `pipeline run`).", valueName: "run"))
    var runFolder: String
    @Option(help: "User id.") var user: String?
    @Option(help: ArgumentHelp("A file of someone's ratings (item and rating columns, CSV/TSV/JSON Lines) to recommend for, instead of --user.",
                               valueName: "file"))
    var history: String?
    @Option(help: ArgumentHelp("A pipeline file whose items file holds the candidates (new items ranked from their content).",
                               valueName: "file"))
    var catalog: String?
    @Option(help: "Rated items left out: all (train, validation and test rows), train (train rows only) or none.")
    var excludeSeen: TrainedRun.SeenItems = .all
    @Option(name: .customLong("candidates"),
            help: ArgumentHelp("A run ranking by the rating: candidates (best dot-product part) the full model re-ranks; 0 scores every item (default: every item up to 100 000 items, 2 000 above).",
                               valueName: "n"))
    var candidateCount: Int?
    @OptionGroup var list: ItemListOptions

    func validate() throws {
        try ArgumentChecks.path(runFolder, "run folder")
        try ArgumentChecks.path(history, "--history file")
        try ArgumentChecks.path(catalog, "--catalog pipeline file")
        guard (user == nil) != (history == nil) else { throw ValidationError("give --user or --history (one of them)") }
        if catalog != nil && history != nil { throw ValidationError("--catalog works with --user, not with --history") }
        if let candidateCount, candidateCount < 0 { throw ValidationError("--candidates \(candidateCount) is out of range (hint: 0 for every item, or a count)") }
    }

    func run() throws {
        try reportingErrors {
            let trained = try openTrainedRun(runFolder)
            trained.candidates = candidateCount
            let known: Bool, items: [TrainedRun.Recommendation]
            // The other catalog is read once: for the ranking and for the --show columns.
            let candidates = try catalog.map { file -> (catalog: Catalog, data: DataSpec) in
                let spec = try PipelineSpec.load(URL(fileURLWithPath: file))
                var report = LoadReport()
                return (try DataLoader.loadCatalog(spec.data, report: &report), spec.data)
            }
            if let history {
                let (list, unknown) = try trained.recommend(history: try trained.readHistory(URL(fileURLWithPath: history)), k: self.list.k)
                if !unknown.isEmpty {
                    Terminal.writeError("note: \(unknown.count) item\(unknown.count == 1 ? "" : "s") of \(history) not in this run (left out): "
                                        + unknown.prefix(5).joined(separator: ", ") + (unknown.count > 5 ? ", …" : "") + "\n")
                }
                (known, items) = (false, list)
            } else if let candidates {
                (known, items) = try trained.recommend(user: user!, k: list.k, candidates: candidates.catalog, data: candidates.data,
                                                       excluding: excludeSeen)
            } else {
                (known, items) = try trained.recommend(user: user!, k: list.k, excluding: excludeSeen)
            }
            let columns = list.columns(default: trained.defaultShowColumns)
            let shown = try trained.show(columns, items: items.map(\.item), from: candidates?.catalog)
            if let user, !known {
                Terminal.writeError("note: user '\(user)' has no ratings in this run; showing the cold-user ranking\n")
            }
            for (r, values) in zip(items, shown) {
                if list.json {
                    let line = RecommendationLine(rank: r.rank, item: r.item, score: r.score, rating: r.rating, userKnown: known,
                                                  show: columns.isEmpty ? nil : values)
                    print(String(decoding: try StableJSON.encode(line, pretty: false).dropLast(), as: UTF8.self))
                } else {
                    let fields = ["\(r.rank)", r.item, String(format: "%.3f", r.score)] + (r.rating.map { [String(format: "%.2f", $0)] } ?? [])
                    print((fields + columns.map { values[$0] ?? "" }).joined(separator: "\t"))
                }
            }
        }
    }
}

/// One line of `recommend --json`.
struct RecommendationLine: Encodable {
    var rank: Int
    var item: String
    var score: Float
    var rating: Float?
    var userKnown: Bool
    var show: [String: String]?

    enum CodingKeys: String, CodingKey { case rank, item, score, rating, userKnown = "user_known", show }
}

/// How many items a listing command prints, which item columns beside each id, and in what form.
struct ItemListOptions: ParsableArguments {
    @Option(name: .short, help: "How many items.") var k = 10
    @Option(help: ArgumentHelp("Item columns to print beside each id, comma-separated (default: the first text field; '' for none).",
                               valueName: "columns"))
    var show: String?
    @Flag(help: "Print one JSON object per line.") var json = false

    func validate() throws {
        guard k > 0 else { throw ValidationError("-k must be at least 1") }
    }

    /// `--show title,genres` → ["title", "genres"]; an empty string shows nothing.
    func columns(default fallback: [String]) -> [String] {
        show.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? fallback
    }
}
