import Foundation
import Recommender
import TensorCore

/// New items' rows, read and embedded as the pipeline reads and embeds a catalog's (`POST /v1/items`).
extension TrainedRun {
    /// The items of a JSON document of rows (`newItemRows`), embedded by this run (`embed`), not
    /// yet added. Throws `RejectedItem` for a row refused, `ItemExists` for an id the run has.
    public func embed(rows json: Data, source: String) throws -> [PostedItem] {
        do {
            return try embed(newItemRows(json: json, source: source))
        } catch let error as DataError {
            throw RejectedItem(error)
        }
    }

    /// The rows of a JSON document, one object or a list of objects in the items file's column
    /// names, read as a JSON Lines items file is (`JSONLinesReader`, then `DataLoader`'s
    /// admission): values become text, lists join with `|`, nested objects are refused. Every row
    /// needs its own id and may name only the catalog's columns. Record k is the list's k-th
    /// object; errors name the record and the column.
    public func newItemRows(json: Data, source: String) throws -> Catalog {
        let table = try JSONLinesReader.read(document: json, source: source)
        let columns = itemColumns
        if let unknown = table.columns.firstIndex(where: { !columns.contains($0) }) {
            let record = table.rows.firstIndex { $0[unknown] != nil } ?? 0
            throw DataError(file: source, line: record + 1, column: table.columns[unknown],
                            message: "the items have no column '\(table.columns[unknown])'",
                            hint: "item columns: \(columns.joined(separator: ", "))")
        }
        var report = LoadReport()
        let admitted = try DataLoader.catalog(of: table, spec.data, report: &report)
        let idColumn = spec.data.itemId
        if admitted.count < table.count, let k = table.lines.indices.first(where: { !admitted.lines.contains(table.lines[$0]) }) {
            let id = table.columns.firstIndex(of: idColumn).flatMap { table.rows[k][$0] }?.trimmedSpaces ?? ""
            throw DataError(file: source, line: table.lines[k], column: idColumn,
                            message: id.isEmpty ? "the item has no id" : "id '\(id)' is given twice",
                            hint: "each item needs an id of its own in '\(idColumn)'")
        }
        let positions = columns.map { admitted.columnIndex($0) }
        return Catalog(source: source, ids: admitted.ids, columns: columns,
                       values: admitted.values.map { row in positions.map { $0.flatMap { $0 < row.count ? row[$0] : nil } } },
                       lines: admitted.lines, invalidUTF8: [:])
    }

    /// Embeds `catalog`'s items, new ids, through the run's fitted states, encoders and item
    /// towers, as `pipeline extract --model` embeds a catalog's items (`extractedVectors`). An
    /// input that fails (a media file missing, unreadable, undecodable or outside the media
    /// root) is an error naming its record and column, whatever the modality's `on_error`:
    /// the client can fix it and post again.
    public func embed(_ catalog: Catalog) throws -> [PostedItem] {
        for id in catalog.ids {
            if let i = itemPositions[id] { throw ItemExists(id: id, posted: isAdded(i)) }
        }
        let features = try foreignFeatures(of: catalog, data: spec.data, applyingFailPolicy: false)
        if let failure = features.failures.first { throw rejection(failure, in: catalog) }
        let encoders = try foreignEncoders(of: catalog, data: spec.data, features: features)
        let vectors = extractedVectors(encoders, ids: catalog.ids)
        let rankingVectors = extractedVectors(encoders, ids: catalog.ids, forRanking: true)
        return catalog.ids.indices.map { i in
            var row: [String: String] = [:]
            for (c, column) in catalog.columns.enumerated() {
                if let value = catalog.value(item: i, column: c) { row[column] = value }
            }
            return PostedItem(id: catalog.ids[i], row: row, manifestSHA256: manifestSHA256,
                              vector: Array(vectors.row(i)), rankingVector: Array(rankingVectors.row(i)))
        }
    }

    /// A rejected input as an error on its record and the modality's column.
    private func rejection(_ failure: ItemFailure, in catalog: Catalog) -> DataError {
        let modality = spec.features.modalities.first { $0.name == failure.modality }
        let record = catalog.ids.firstIndex(of: failure.item).map { catalog.lines[$0] } ?? 0
        return DataError(file: catalog.source, line: record, column: modality?.mediaColumn ?? modality?.columns.first?.name,
                         message: "item '\(failure.item)': \(failure.modality) input \(failure.path ?? "") rejected (\(failure.errorClass.rawValue)): \(failure.message)",
                         hint: "media paths are relative to the media root \(spec.data.mediaRoot.path); fix the file or the path and post the item again")
    }
}
