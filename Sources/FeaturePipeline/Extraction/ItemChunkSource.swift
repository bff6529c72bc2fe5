import Foundation

/// A catalog seen as consecutive chunks of items, in catalog order, as often as asked: the items
/// file read as a stream (`ItemsFileChunks`) or a catalog already in memory (`CatalogChunks`).
protocol ItemChunkSource {
    /// Calls `body(chunk, first)` for every chunk in order (`first`: the catalog-wide index of
    /// the chunk's first item). Every pass gives the same chunks.
    mutating func pass(_ body: (Catalog, Int) throws -> Void) throws
    /// Every column of the catalog, known after a first pass.
    var columns: [String]? { get }
}

/// A catalog in memory, cut into chunks of `size` items.
struct CatalogChunks: ItemChunkSource {
    let catalog: Catalog
    let size: Int
    var columns: [String]? { catalog.columns }

    /// One chunk holding every item: `pipeline run`'s extract stage stores one features file.
    init(_ catalog: Catalog, size: Int? = nil) {
        self.catalog = catalog
        self.size = max(size ?? catalog.count, 1)
    }

    mutating func pass(_ body: (Catalog, Int) throws -> Void) throws {
        if size >= catalog.count { return try body(catalog, 0) }
        for first in stride(from: 0, to: catalog.count, by: size) {
            try body(catalog.slice(first..<min(catalog.count, first + size)), first)
        }
    }
}
