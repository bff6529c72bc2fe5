import Foundation
import Recommender
import TensorCore
import TextFeatures

/// The text modality's documents (from the configured columns) and weighted bags.
///
/// Unlike media, text is not cached per item: tokenizing the whole catalog costs microseconds per
/// item, and the idf weights depend on every train document anyway.
struct TextExtraction {
    let spec: TextSpec
    let threads: Int

    struct Result {
        var rows: SparseRows
        var failures: [ItemFailure]
        var summary: ModalitySummary
    }

    /// Every item's weighted bag under `vectorizer` (fitted by `TextFitter`).
    func run(_ catalog: Catalog, itemsFile: String, vectorizer: TextVectorizer) throws -> Result {
        var (documents, rejected, failures) = try self.documents(catalog, itemsFile: itemsFile)
        let bags = vectorizer.transform(documents, threads: threads)
        var summary = ModalitySummary(items: catalog.count, extracted: catalog.count)
        for (item, result) in bags.enumerated() {
            switch result {
            case .failure(let error):
                failures.append(ItemFailure(item: catalog.ids[item], modality: TextModality.name, path: nil, error: error))
            case .success(let bag) where bag.isEmpty && !rejected.contains(item):
                summary.absent += 1
            default: break
            }
        }
        failures.sort { (catalog.ids.firstIndex(of: $0.item) ?? 0) < (catalog.ids.firstIndex(of: $1.item) ?? 0) }
        summary.failed = failures.count
        for f in failures { summary.failuresByClass[f.errorClass.rawValue, default: 0] += 1 }
        let kept = bags.enumerated().map { item, bag -> TextBag? in rejected.contains(item) ? nil : try? bag.get() }
        return Result(rows: SparseRows(kept, columns: vectorizer.featureCount),
                      failures: failures, summary: summary)
    }

    /// Every item's document; items whose text fields hold invalid UTF-8 under `invalid_utf8:
    /// reject` lose those fields and are listed in `rejected`, with their failures.
    func documents(_ catalog: Catalog, itemsFile: String) throws -> (documents: [TextDocument], rejected: Set<Int>, failures: [ItemFailure]) {
        let columns = try spec.options.fields.map { field -> Int in
            guard let c = catalog.columnIndex(field.name) else {
                let near = nearestKey(to: field.name, among: catalog.columns)
                throw PipelineError(
                    what: "features.text.fields: no column '\(field.name)' in \(itemsFile) (columns: \(catalog.columns.joined(separator: ", ")))",
                    hint: near.map { "did you mean '\($0)'?" } ?? "name columns of the items file")
            }
            return c
        }
        var failures: [ItemFailure] = []
        var rejected = Set<Int>()
        let documents = (0..<catalog.count).map { item -> TextDocument in
            var document = TextDocument(item: catalog.ids[item], fields: columns.map { catalog.value(item: item, column: $0) },
                                        source: "\(itemsFile):\(catalog.lines[item])")
            if spec.options.invalidUTF8 == .reject, let bad = catalog.invalidUTF8[item] {
                for (k, field) in spec.options.fields.enumerated() where bad.contains(field.name) {
                    document.fields[k] = nil
                    rejected.insert(item)
                    let error = TextDecoding.rejection(source: document.source(field: field.name))
                    failures.append(ItemFailure(item: catalog.ids[item], modality: TextModality.name, path: nil, error: error))
                }
            }
            return document
        }
        return (documents, rejected, failures)
    }
}
