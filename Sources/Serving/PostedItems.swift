import FeaturePipeline
import Foundation
import Synchronization

/// The items posted to the server (`POST /v1/items`), in the order they were added, and the
/// run's item store that keeps them (`ItemStore`): one list the server's models share.
///
/// Each model adds the list's items in order (`ServedModel.catchUp`) and remembers how many it
/// has. An append and a reload's swap take one lock: a new model goes into the slot only when
/// it has every item posted so far (`whenCaughtUp`), and an item posted after the swap is added
/// by its request to the model then in the slot; so no posted item is missing from the model
/// that answers next.
final class PostedItems: Sendable {
    private struct State {
        var items: [PostedItem] = []
        var ids: Set<String> = []
    }

    let store: ItemStore
    private let state = Mutex(State())

    init(run: URL) { store = ItemStore(run: run) }

    /// Reads the store, cutting an incomplete last line off so the next append starts a line;
    /// returns a warning for each line dropped.
    func open() throws -> [String] {
        let contents = try store.read()
        if contents.incompleteTail { try store.truncate(to: contents.completeBytes) }
        state.withLock { state in
            state.items = contents.items
            state.ids = Set(contents.items.map(\.id))
        }
        return contents.warnings
    }

    var count: Int { state.withLock { $0.items.count } }

    /// The items from the `start`-th on.
    func items(from start: Int) -> [PostedItem] { state.withLock { Array($0.items[start...]) } }

    /// Writes `items` to the store, then lists them. `ItemExists` when an id was posted before:
    /// nothing is written then.
    func append(_ items: [PostedItem]) throws {
        try state.withLock { (state: inout State) throws -> Void in
            if let repeated = items.first(where: { state.ids.contains($0.id) }) { throw ItemExists(id: repeated.id, posted: true) }
            try store.append(items)
            state.items += items
            state.ids.formUnion(items.map(\.id))
        }
    }

    /// Calls `swap` when a model that has added `count` items has them all, under the lock an
    /// append takes; false when more were posted since (add them, then try again).
    func whenCaughtUp(_ count: Int, _ swap: () -> Void) -> Bool {
        state.withLock { state in
            guard state.items.count == count else { return false }
            swap()
            return true
        }
    }
}
