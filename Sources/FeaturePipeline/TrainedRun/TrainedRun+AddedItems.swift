import Foundation
import Recommender
import TensorCore

/// Items added to a run after training (`PostedItem`s): their indices follow the run's items.
struct AddedItems {
    var ids: [String] = []
    /// Each item's row (column → value), for `show`.
    var rows: [[String: String]] = []
}

/// Items the model never saw, added after training: they have content but no id row, so they
/// are scored as a cold item of the run's catalog is (the unknown item's id row and biases, the
/// modalities `cold_item_masked` leaves out), from vectors computed once when they are added.
extension TrainedRun {
    /// Every item id the run scores, by index: its catalog's, then those added.
    var allItemIds: [String] { tables.itemIds }

    /// Whether item `index` was added after training (no id row, no history vector).
    func isAdded(_ index: Int) -> Bool { index >= set.itemIds.count }

    /// The ids added after training, in the order they were added.
    public var addedItemIds: [String] { added.ids }

    /// Makes `items` scorable at once by `predict`, `recommend` (by user and by history) and
    /// `similar`. Their vectors must come from this model (`embed`); ids must be new.
    func add(_ items: [PostedItem]) {
        guard !items.isEmpty else { return }
        precondition(items.allSatisfy { $0.manifestSHA256 == manifestSHA256 }, "add: vectors of another model")
        warm()
        let d = itemVectors.shape[1]
        let vectors = Tensor(shape: [items.count, d], storage: items.flatMap(\.vector))
        let rankingVectors = Tensor(shape: [items.count, items[0].rankingVector.count], storage: items.flatMap(\.rankingVector))
        tables.addItems(items.map(\.id))
        for item in items {
            added.ids.append(item.id)
            added.rows.append(item.row)
        }
        itemSide.append(vectors: vectors, rankingVectors: rankingVectors, scorer: model.scorer())
        itemVectors = itemSide.vectors
        ranker.rank(itemSide)
        coldUserRanker.rank(itemSide)
    }

    /// Adds items read from the item store: an item embedded by this model keeps its vectors; one
    /// embedded by another (the run was retrained since) is embedded again from its row. Items
    /// whose id the run has (its catalog gained it) or whose row no longer embeds are left out.
    /// Returns a note for each item left out.
    public func addStored(_ items: some Collection<PostedItem>) -> [String] {
        var notes: [String] = []
        var seen = Set<String>()
        var kept: [PostedItem] = []
        for item in items {
            guard !hasItem(item.id), seen.insert(item.id).inserted else {
                notes.append("item store: '\(item.id)' is left out: the run already has an item with that id")
                continue
            }
            kept.append(item)
        }
        let isCurrent = { (item: PostedItem) in item.manifestSHA256 == self.manifestSHA256 && item.vector.count == self.itemVectors.shape[1] }
        let stale = kept.filter { !isCurrent($0) }
        var reembedded: [String: PostedItem] = [:]
        if let all = stale.isEmpty ? [] : try? embed(rows(of: stale)) {
            for item in all { reembedded[item.id] = item }
        } else {
            // One row failed: one at a time, so only the failing ones are left out.
            for item in stale {
                do {
                    reembedded[item.id] = try embed(rows(of: [item]))[0]
                } catch {
                    notes.append("item store: '\(item.id)' is left out: its row does not embed with this model (\(Terminal.describe(error)))")
                }
            }
        }
        add(kept.compactMap { isCurrent($0) ? $0 : reembedded[$0.id] })
        return notes
    }

    /// Reads the run's item store and adds its items (`addStored`), as `pipeline serve` does at
    /// load: `predict`, `recommend` and `similar` then answer as the server does. Returns a
    /// warning for each line or item left out.
    public func addItemStore() throws -> [String] {
        let contents = try ItemStore(run: directory).read()
        return contents.warnings + addStored(contents.items)
    }

    /// Stored items as a catalog of the run's columns.
    func rows(of items: [PostedItem]) -> Catalog {
        let columns = itemColumns
        return Catalog(source: ItemStore.path, ids: items.map(\.id), columns: columns,
                       values: items.map { item in columns.map { item.row[$0] } }, lines: Array(1...items.count), invalidUTF8: [:])
    }
}
