import Foundation
import Recommender
import TensorCore

/// The item embeddings of a run projected on their first two principal components, each item
/// labelled with a category of one item field, for the report's scatter plot.
///
/// The field is `colorBy` when given, else the first categorical or multi-hot item field of the
/// model (a multi-hot value counts by its first entry, e.g. the first genre), else whether the
/// item had training ratings (warm or cold). Numeric fields fall into quartiles. At most
/// `maximumCategories` categories keep their own colour; the rest share "other".
public struct EmbeddingProjection: Sendable {
    public var colouredBy: String
    public var categories: [String]
    /// Projected items (every item up to `maximumPoints`, else an even stride through the catalog).
    public var points: [(x: Double, y: Double, category: Int)]
    /// Share of the embeddings' variance along each of the two axes.
    public var explainedVarianceRatio: [Double]
    public var items: Int

    public static let maximumPoints = 3000
    public static let maximumCategories = 7

    /// The projection of the run in `directory`, or nil when the run exported no embeddings.
    public static func load(from directory: URL, colorBy: String? = nil) throws -> EmbeddingProjection? {
        let folder = RunFolder(root: directory)
        guard let (ids, vectors) = try folder.itemEmbeddings() else { return nil }
        let labels = try ItemLabels.choose(folder: folder, ids: ids, colorBy: colorBy)
        let pca = PrincipalComponents(fitting: vectors, count: 2)
        let projected = pca.project(vectors)
        let k = projected.shape[1]
        let stride = max(1, (ids.count + maximumPoints - 1) / maximumPoints)
        let points = Swift.stride(from: 0, to: ids.count, by: stride).map { i in
            (x: Double(projected.storage[i * k]), y: k > 1 ? Double(projected.storage[i * k + 1]) : 0, category: labels.category[i])
        }
        return EmbeddingProjection(colouredBy: labels.title, categories: labels.names, points: points,
                                   explainedVarianceRatio: pca.explainedVarianceRatio, items: ids.count)
    }
}

/// A category per item and the legend's names.
struct ItemLabels {
    var title: String
    var names: [String]
    var category: [Int]

    static let missing = "(missing)", other = "other"

    static func choose(folder: RunFolder, ids: [String], colorBy: String?) throws -> ItemLabels {
        let catalog = folder.exists(RunFolder.Path.loadCatalog) ? try folder.catalog() : nil
        let fields = try folder.readIfPresent(.modelDescription)?.itemFields?.fields ?? []
        if let colorBy {
            guard let catalog else {
                throw PipelineError(what: "cannot colour by '\(colorBy)': the run folder has no stages/load/catalog.safetensors",
                                    hint: "run the pipeline again, or leave out --color-by")
            }
            guard let column = catalog.columnIndex(colorBy) else {
                throw PipelineError(what: "cannot colour by '\(colorBy)': the items have no such column",
                                    hint: "item columns: \(catalog.columns.joined(separator: ", "))")
            }
            let columnValues = values(catalog, column: column, ids: ids)
            let field = fields.first { $0.name == colorBy } ?? guessedField(colorBy, columnValues)
            return labels(columnValues, field: field)
        }
        if let catalog, let field = fields.first(where: { $0.kind != .numeric && catalog.columnIndex($0.name) != nil }) {
            return labels(values(catalog, column: catalog.columnIndex(field.name)!, ids: ids), field: field)
        }
        if let known = try? folder.exportedModel()["behavior.known_items"],
            known.bytes.count == ids.count
        {
            return ItemLabels(title: "warm or cold item (training ratings or none)", names: ["warm item", "cold item"],
                              category: known.bytes.map { $0 != 0 ? 0 : 1 })
        }
        return ItemLabels(title: "item", names: ["item"], category: ids.map { _ in 0 })
    }

    /// A column the pipeline does not use as a field: multi-valued ("Romance|Adventure") when one
    /// separator splits at least a fifth of its values, so items are coloured by their first
    /// value instead of one colour per combination.
    static func guessedField(_ name: String, _ values: [String?]) -> TabularField {
        let present = values.compactMap { $0 }.filter { !$0.isEmpty }
        var field = TabularField(name: name, kind: .categorical)
        if let separator = ["|", ";", ", "].first(where: { sep in present.filter { $0.contains(sep) }.count * 5 >= max(present.count, 1) }) {
            field.kind = .multiHot
            field.separator = separator
        }
        return field
    }

    /// The field's value for each id (embedding order), nil when absent.
    static func values(_ catalog: Catalog, column: Int, ids: [String]) -> [String?] {
        let row = Dictionary(catalog.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.map { id in
            row[id].flatMap { catalog.value(item: $0, column: column) }?.trimmingCharacters(in: .whitespaces)
        }
    }

    static func labels(_ values: [String?], field: TabularField) -> ItemLabels {
        let present = values.compactMap { $0 }.filter { !$0.isEmpty }
        let numbers = present.compactMap(Double.init)
        if field.kind == .numeric || (numbers.count * 10 >= present.count * 9 && Set(present).count > EmbeddingProjection.maximumCategories) {
            return quartiles(values, title: field.name)
        }
        let tokens = values.map { value -> String in
            guard let value, !value.isEmpty else { return missing }
            guard field.kind == .multiHot else { return value }
            return value.components(separatedBy: field.separator).lazy.map { $0.trimmingCharacters(in: .whitespaces) }
                .first { !$0.isEmpty } ?? missing
        }
        var counts: [String: Int] = [:]
        for t in tokens where t != missing { counts[t, default: 0] += 1 }
        let kept = counts.keys.sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : $0 < $1 }
            .prefix(EmbeddingProjection.maximumCategories).sorted()
        var names = Array(kept)
        if counts.count > kept.count { names.append(other) }
        if tokens.contains(missing) { names.append(missing) }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let title = field.kind == .multiHot ? "\(field.name) (first value)" : field.name
        return ItemLabels(title: title, names: names, category: tokens.map { index[$0] ?? index[other]! })
    }

    /// Four bins at the quartiles of the numeric values, plus missing.
    static func quartiles(_ values: [String?], title: String) -> ItemLabels {
        let numbers = values.map { $0.flatMap(Double.init) }
        let sorted = numbers.compactMap { $0 }.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return ItemLabels(title: title, names: [missing], category: values.map { _ in 0 }) }
        let cuts = [0.25, 0.5, 0.75].map { sorted[min(sorted.count - 1, Int(Double(sorted.count) * $0))] }
        let f = { (x: Double) in String(format: "%g", x) }
        var names = ["< \(f(cuts[0]))", "\(f(cuts[0])) – \(f(cuts[1]))", "\(f(cuts[1])) – \(f(cuts[2]))", "≥ \(f(cuts[2]))"]
        let hasMissing = numbers.contains { $0 == nil || !$0!.isFinite }
        if hasMissing { names.append(missing) }
        let category = numbers.map { x -> Int in
            guard let x, x.isFinite else { return 4 }
            return cuts.firstIndex { x < $0 } ?? 3
        }
        return ItemLabels(title: "\(title) (quartiles)", names: names, category: category)
    }
}
