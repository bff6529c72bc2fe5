import Foundation
import Recommender
import TensorCore

/// `recommend --history FILE`: a user the run never saw, described by the ratings in a file.
extension TrainedRun {
    /// The interactions file's item and rating column names, which a history file may reuse.
    public var interactionColumns: (item: String, rating: String) {
        (spec.data.interactions.item, spec.data.interactions.rating)
    }

    /// Reads a history table (CSV, TSV or JSON Lines): the item column is the run's item column,
    /// or `item`, or the first column; the rating column likewise (`rating`, or the second).
    public func readHistory(_ url: URL) throws -> [(item: String, rating: Float)] {
        let table = try DataTable.read(url, format: .auto)
        let names = interactionColumns
        let itemColumn = [names.item, "item"].compactMap { table.columns.firstIndex(of: $0) }.first ?? 0
        let ratingColumn = [names.rating, "rating"].compactMap { table.columns.firstIndex(of: $0) }.first ?? 1
        guard table.columns.count > max(itemColumn, ratingColumn) else {
            throw DataError(file: url.path, message: "a history needs an item and a rating column; the file has \(table.columns.joined(separator: ", "))",
                            hint: "write a header such as `\(names.item),\(names.rating)` and one rated item per line")
        }
        return try table.rows.enumerated().compactMap { k, row in
            guard let item = row[itemColumn], !item.isEmpty else { return nil }
            let text = ratingColumn < row.count ? row[ratingColumn] ?? "" : ""
            guard let rating = Float(text.trimmingCharacters(in: .whitespaces)), rating.isFinite else {
                throw DataError(file: url.path, line: table.lines[k], column: table.columns[ratingColumn],
                                message: "rating '\(text)' of item '\(item)' is not a number", hint: "one numeric rating per line")
            }
            return (item, rating)
        }
    }

    /// Top-k items for someone described by `history` (their ratings of the run's items), by the
    /// run's ranking score: the towers see the history and its statistics, no id (as for a
    /// new user); the rated items and those in `never` are left out. Returns the ids of the history not in the run.
    public func recommend(history: [(item: String, rating: Float)], k: Int, never: [String] = []) throws -> (items: [Recommendation], unknown: [String]) {
        guard description.normalizer.method == .none else {
            throw PipelineError(what: "--history needs a run trained on raw ratings (this one used preprocess.normalize: \(description.normalizer.method.rawValue))",
                                hint: "recommend by --user, or train with preprocess.normalize: none")
        }
        // Items added after training have no history vector: they are not pooled (and named with
        // the unknown ids), but as rated items they are not recommended back.
        let pooled = history.filter { itemPositions[$0.item].map { !isAdded($0) } ?? false }
        let unknown = history.filter { itemPositions[$0.item].map(isAdded) ?? true }.map(\.item)
        let items = pooled.map { itemPositions[$0.item]! }
        let ranker = FusedRanker(historyOf: model, items: items, ratings: pooled.map(\.rating),
                                 normalizer: description.normalizer, score: scoring.score, itemSide: itemSide)
            .candidates(candidateCount)
        let rated = tables.itemRows(history.map(\.item))
        let list = tables.recommendations(ranker, row: 0, excluded: rated.union(tables.itemRows(never)), k: k)
        return (list, unknown)
    }
}
