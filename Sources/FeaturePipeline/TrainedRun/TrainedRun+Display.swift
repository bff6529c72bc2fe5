import Foundation
import Recommender
import TensorCore

/// What `recommend` and `similar` show beside each item id, and which rated items count as seen.
extension TrainedRun {
    /// The items file's columns, for `--show` (the run's copy of the catalog, stages/load).
    public var itemColumns: [String] { (try? folder.catalog().columns) ?? [] }

    /// `--show`'s default: the first text field, when the pipeline has text.
    public var defaultShowColumns: [String] { spec.features.text?.options.fields.first.map { [$0.name] } ?? [] }

    /// The values of `columns` for each of `items` (from `other` when given, else the run's
    /// catalog), in column order; an unknown column is an error listing the columns there are.
    public func show(_ columns: [String], items: [String], from other: Catalog? = nil) throws -> [[String: String]] {
        guard !columns.isEmpty else { return items.map { _ in [:] } }
        let catalog = try other ?? folder.catalog()
        let indices = try columns.map { name in
            guard let c = catalog.columnIndex(name) else {
                throw PipelineError(what: "cannot show '\(name)': the items have no such column",
                                    hint: "item columns: \(catalog.columns.joined(separator: ", "))")
            }
            return c
        }
        let position = Dictionary(catalog.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return items.map { id in
            guard let row = position[id] else { return other == nil ? addedRow(id, columns) : [:] }
            var values: [String: String] = [:]
            for (name, c) in zip(columns, indices) { values[name] = catalog.value(item: row, column: c) ?? "" }
            return values
        }
    }

    /// The values of `columns` of an item added after training (empty for any other id).
    private func addedRow(_ id: String, _ columns: [String]) -> [String: String] {
        guard let i = itemPositions[id], isAdded(i) else { return [:] }
        let row = added.rows[i - set.itemIds.count]
        return Dictionary(uniqueKeysWithValues: columns.map { ($0, row[$0] ?? "") })
    }

    /// Which of a user's rated items `recommend` leaves out.
    public enum SeenItems: String, CaseIterable, Sendable {
        /// Rated anywhere in the run's data (train, validation or test): not recommended again.
        case all
        /// Rated in the train rows only: validation and test items can come back (what evaluation scores).
        case train
        /// Nothing is left out.
        case none
    }

}
