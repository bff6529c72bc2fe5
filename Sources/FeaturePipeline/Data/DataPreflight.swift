import Foundation
import Recommender

/// What `pipeline validate` checks of the data in milliseconds, before a run would find it:
/// each configured file exists and is readable, every configured column is in its header, and
/// the first rows' ratings and timestamps parse. Reads one block of each file, never the whole.
public enum DataPreflight {
    /// Rows checked for parsable ratings and timestamps at the top of the interactions file.
    static let sampleRows = 50

    /// Every problem found, one `DataError` each (empty when the data looks usable).
    public static func problems(_ spec: PipelineSpec) -> [DataError] {
        var found: [DataError] = []
        let data = spec.data
        var itemColumns: [(name: String, role: String, key: String)] = [(data.itemId, "item id", "data.items.id")]
        itemColumns += spec.features.modalities.flatMap(\.columns)
        for field in spec.features.itemFields { itemColumns.append((field.name, "item field", "features.fields")) }
        found += check(data.items, itemColumns)

        let i = data.interactions
        var columns: [(String, String, String)] = [(i.user, "user id", "data.interactions.user"), (i.item, "item id", "data.interactions.item")]
        if i.feedback == .explicit { columns.append((i.rating, "rating", "data.interactions.rating")) }
        if let t = i.timestamp { columns.append((t, "timestamp", "data.interactions.timestamp")) }
        if let s = i.split { columns.append((s, "split", "data.interactions.split")) }
        found += check(i.table, columns) { table in
            var sample: [DataError] = []
            if let r = table.columns.firstIndex(of: i.rating), i.feedback != .implicit,
               let bad = firstUnparsable(table, column: r, parse: { Double($0.trimmingCharacters(in: .whitespaces))?.isFinite == true }) {
                sample.append(DataError(file: table.source, line: bad.line, column: i.rating,
                                        message: "rating '\(bad.value)' is not a number (\(bad.count) of the first \(bad.checked) rows)",
                                        hint: "point data.interactions.rating at the column of numeric ratings"))
            }
            if let t = i.timestamp, let c = table.columns.firstIndex(of: t),
               let bad = firstUnparsable(table, column: c, parse: TimestampText().parses) {
                sample.append(DataError(file: table.source, line: bad.line, column: t,
                                        message: "timestamp '\(bad.value)' is not a time (\(bad.count) of the first \(bad.checked) rows)",
                                        hint: "use seconds since 1970 or ISO 8601, or point data.interactions.timestamp at another column"))
            }
            return sample
        }
        if let users = data.users {
            var userColumns = [(users.id, "user id", "data.users.id")]
            for field in spec.features.userFields { userColumns.append((field.name, "user field", "users.fields")) }
            found += check(users.table, userColumns)
        }
        return found
    }

    /// Opens `table`, reads its first block and checks the columns, then runs `sample` on it.
    private static func check(_ table: TableSpec, _ columns: [(name: String, role: String, key: String)],
                              sample: (DataTable) -> [DataError] = { _ in [] }) -> [DataError] {
        var first: DataTable
        do {
            let stream = try TableStream(table.path, format: table.format, delimiter: table.delimiter, blockSize: 64 << 10)
            guard let block = try stream.next() else {
                return [DataError(file: table.path.path, message: "the file is empty", hint: "check the path in the pipeline file")]
            }
            first = block
            first.columns = stream.columns
        } catch let error as DataError {
            return [error]
        } catch {
            return [DataError(file: table.path.path, message: "\(error)", hint: "check the file")]
        }
        var problems: [DataError] = []
        for c in columns {
            do { _ = try first.column(c.name, role: c.role, key: c.key) } catch let error as DataError { problems.append(error) } catch {}
        }
        return problems + sample(first)
    }

    /// The first of the top `sampleRows` values of `column` that does not parse, when at least
    /// half of them fail (a few dirty rows are preprocessing's business, not a mapping error).
    private static func firstUnparsable(_ table: DataTable, column: Int, parse: (String) -> Bool)
        -> (line: Int, value: String, count: Int, checked: Int)?
    {
        let rows = table.rows.prefix(sampleRows)
        var bad: [(line: Int, value: String)] = []
        var checked = 0
        for (k, row) in rows.enumerated() {
            guard column < row.count, let value = row[column], !value.isEmpty else { continue }
            checked += 1
            if !parse(value) { bad.append((table.lines[k], value)) }
        }
        guard let first = bad.first, bad.count * 2 >= max(checked, 1) else { return nil }
        return (first.line, first.value, bad.count, checked)
    }
}
