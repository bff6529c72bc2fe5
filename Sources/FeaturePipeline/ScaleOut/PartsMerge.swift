import Foundation
import HeapModule
import TensorCore

/// `pipeline merge`: the parts of a sharded `pipeline extract` joined into the files an unsharded
/// extract with the same fit writes, byte for byte.
///
/// The parts are checked first (`PartSet`). Each part lists its items in catalog order with their
/// catalog-wide rows, so a k-way merge on the row (a heap of one cursor per part) restores the
/// catalog's order; rows are read in blocks and written through `EmbeddingFiles` in batches of
/// `batchSize` (the ids for the safetensors header spilled as they pass), so memory holds a batch
/// and a block per part and tensor, not the catalog. A row held twice or by no part is refused.
public struct PartsMerge {
    public var parts: [URL]
    public var output: URL
    var batchSize = ItemsFileChunks.defaultSize

    public init(parts: [URL], output: URL) {
        self.parts = parts
        self.output = output
    }

    public struct Summary: Sendable {
        public var parts: Int
        public var items: Int
        public var dimension: Int
        public var failures: Int
    }

    struct Next: Comparable {
        var row: Int
        var part: Int
        static func < (a: Next, b: Next) -> Bool { (a.row, a.part) < (b.row, b.part) }
    }

    public func execute() throws -> Summary {
        let set = try PartSet(parts)
        let readers = try set.parts.map { try PartReader(folder: $0.folder, manifest: $0.manifest) }
        let reference = set.parts[0].manifest
        let layout = set.parts.map(\.manifest).first { $0.items > 0 } ?? reference
        let tensors = ["item_embeddings"] + layout.blocks.flatMap { [$0, "\($0).present"] }
        let files = try EmbeddingFiles(output: output, idsInHeader: true)
        var heap = Heap(readers.indices.compactMap { p in readers[p].nextRow.map { Next(row: $0, part: p) } })
        var merged = 0  // rows written or in the batch: the row the next item must have
        var batch: [(id: String, rows: [[UInt8]])] = []
        var failures = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            failures += try write(batch, from: readers, first: merged - batch.count, layout: layout, to: files)
            batch.removeAll(keepingCapacity: true)
        }
        while let next = heap.popMin() {
            guard next.row == merged else { throw misplaced(next, readers, expected: merged) }
            batch.append(try readers[next.part].take(tensors))
            merged += 1
            if let row = readers[next.part].nextRow { heap.insert(Next(row: row, part: next.part)) }
            if batch.count == batchSize { try flush() }
        }
        try flush()
        guard merged == reference.catalogItems else {
            throw PipelineError(what: "rows \(merged)..<\(reference.catalogItems) of the catalog are in no part",
                                hint: "rerun the shards with the same items file")
        }
        try files.commit(metadata: ["format": "pipeline-embeddings-1", "source": reference.source])
        return Summary(parts: readers.count, items: merged, dimension: files.dimension ?? 0, failures: failures)
    }

    private func misplaced(_ next: Next, _ readers: [PartReader], expected: Int) -> PipelineError {
        if next.row < expected {
            return PipelineError(what: "row \(next.row) of the catalog is in two parts, one of them \(readers[next.part].folder.path)",
                                 hint: "the parts overlap: rerun their shards with one --shard count")
        }
        return PipelineError(what: "row \(expected) of the catalog is in no part (the next is row \(next.row) in \(readers[next.part].folder.path))",
                             hint: "rerun the shards with the same items file")
    }

    /// Appends a batch of items (rows `first…`) and their rejected inputs; returns how many inputs.
    private func write(_ batch: [(id: String, rows: [[UInt8]])], from readers: [PartReader], first: Int,
                       layout: PartManifest, to files: EmbeddingFiles) throws -> Int {
        func floats(_ k: Int) -> Tensor {
            let bytes = batch.flatMap { $0.rows[k] }
            let storage = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            return Tensor(shape: [batch.count, storage.count / batch.count], storage: storage)
        }
        let blocks = layout.blocks.enumerated().map { b, name in
            (name, floats(1 + 2 * b), batch.map { $0.rows[2 + 2 * b] != [0] })
        }
        var rejected: [(row: Int, line: String)] = []
        for reader in readers { rejected += try reader.failures(before: first + batch.count) }
        // Rows are in one part each and a part lists a row's inputs in order: sort by (row, position).
        let ordered = rejected.enumerated().sorted { ($0.element.row, $0.offset) < ($1.element.row, $1.offset) }
        let failures = try ordered.map { try StableJSON.decode(ItemFailure.self, from: Data($0.element.line.utf8)) }
        try files.append(ids: batch.map(\.id), vectors: floats(0), blocks: blocks, failures: failures, modalities: layout.modalities)
        return failures.count
    }
}
