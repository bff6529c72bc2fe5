import Foundation
import TensorCore

/// The files that place a part's items in the whole catalog, beside its embedding files:
/// `item_rows.txt`, the catalog-wide row of each line of item_ids.txt, and `failures.tsv`, each
/// rejected input as `row<TAB>errors.jsonl line`, in catalog order.
final class PartRows {
    static let rowsFile = "item_rows.txt"
    static let failuresFile = "failures.tsv"

    private let rows: AtomicFileWriter
    private let failures: AtomicFileWriter

    init(folder: URL) throws {
        rows = try AtomicFileWriter(folder.appendingPathComponent(Self.rowsFile))
        failures = try AtomicFileWriter(folder.appendingPathComponent(Self.failuresFile))
    }

    /// A chunk's items (`rows[k]` is the row of `ids[k]`) and its rejected inputs.
    func append(rows chunkRows: [Int], ids: [String], failures chunkFailures: [ItemFailure]) throws {
        precondition(chunkRows.count == ids.count, "\(chunkRows.count) rows for \(ids.count) items")
        try rows.append(chunkRows.map { "\($0)\n" }.joined())
        guard !chunkFailures.isEmpty else { return }
        let rowOf = Dictionary(zip(ids, chunkRows), uniquingKeysWith: { a, _ in a })
        let lines = chunkFailures.map { failure in
            guard let row = rowOf[failure.item] else { preconditionFailure("a failure of item \(failure.item), not in its chunk") }
            return "\(row)\t\(failure.line)\n"
        }
        try failures.append(lines.joined())
    }

    func commit() throws {
        try rows.commit()
        try failures.commit()
    }
}
