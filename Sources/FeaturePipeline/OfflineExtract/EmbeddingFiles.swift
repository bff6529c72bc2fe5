import Foundation
import TensorCore

/// The files of `pipeline extract`, written as the items' rows are produced and published
/// together at the end: item_embeddings.npy, item_ids.txt, item_embeddings.safetensors and
/// errors.jsonl, byte for byte what writing them from whole arrays gives.
///
/// The .npy gets a placeholder header of its final length (a 2-d float32 header is always 128
/// bytes) that `commit` patches with the row count. The safetensors tensors and each modality's
/// error lines go to hidden spill files beside the outputs, concatenated in the format's order
/// once the sizes are known. Nothing is visible under the final names before `commit`; dropped
/// without it, every temporary is removed.
final class EmbeddingFiles {
    let output: URL
    private let embeddings: AtomicFileWriter
    private let idsFile: AtomicFileWriter
    /// Per safetensors tensor, in first-append order: its layout without the row count, and its bytes.
    private var tensors: [(name: String, dtype: Safetensors.DType, width: Int?, spill: AtomicFileWriter)] = []
    /// Error lines of each modality, in modality order.
    private var errors: [(modality: String, spill: AtomicFileWriter)] = []
    private(set) var dimension: Int?
    private(set) var rows = 0
    /// The encoders' blocks in the order of the first chunk (their tensors follow item_embeddings).
    private(set) var blockNames: [String] = []

    static let names = (embeddings: "item_embeddings.npy", ids: "item_ids.txt", safetensors: "item_embeddings.safetensors",
                        errors: "errors.jsonl")

    /// Set when the ids go into the safetensors metadata as they arrive (`pipeline merge`).
    private let streamedIds: StreamedIdsMetadata?

    /// `idsInHeader`: the safetensors metadata lists the ids (`item_ids`) without their being
    /// passed to `commit`.
    init(output: URL, idsInHeader: Bool = false) throws {
        self.output = output
        streamedIds = idsInHeader ? try StreamedIdsMetadata(output: output) : nil
        embeddings = try AtomicFileWriter(output.appendingPathComponent(Self.names.embeddings))
        idsFile = try AtomicFileWriter(output.appendingPathComponent(Self.names.ids))
    }

    /// Appends a chunk's items: ids, fused vectors (rows, dimension), each block (name, rows ×
    /// width, presence) and its rejected inputs.
    func append(ids: [String], vectors: Tensor, blocks: [(String, Tensor, [Bool])], failures: [ItemFailure],
                modalities: [String]) throws {
        if dimension == nil {
            dimension = vectors.shape[1]
            try embeddings.append(NumpyFile.header(dtype: .float32, shape: [0, vectors.shape[1]]))
            try addTensor("item_embeddings", .float32, width: vectors.shape[1])
            for (name, block, _) in blocks {
                try addTensor(name, .float32, width: block.shape[1])
                try addTensor("\(name).present", .uint8, width: nil)
                blockNames.append(name)
            }
            for modality in modalities {
                errors.append((modality, try AtomicFileWriter(output.appendingPathComponent("errors.jsonl.\(modality)"))))
            }
        }
        try vectors.storage.withUnsafeBytes { try embeddings.append($0) }
        try idsFile.append(ids.map { $0 + "\n" }.joined())
        try streamedIds?.append(ids)
        var k = 0
        func next(_ bytes: UnsafeRawBufferPointer) throws {
            try tensors[k].spill.append(bytes)
            k += 1
        }
        try vectors.storage.withUnsafeBytes { try next($0) }
        for (_, block, present) in blocks {
            try block.storage.withUnsafeBytes { try next($0) }
            try present.map { $0 ? UInt8(1) : 0 }.withUnsafeBytes { try next($0) }
        }
        for (modality, spill) in errors {
            let lines = failures.filter { $0.modality == modality }.map { $0.line + "\n" }
            if !lines.isEmpty { try spill.append(lines.joined()) }
        }
        rows += ids.count
    }

    private func addTensor(_ name: String, _ dtype: Safetensors.DType, width: Int?) throws {
        tensors.append((name, dtype, width, try AtomicFileWriter(output.appendingPathComponent("item_embeddings.safetensors.\(name)"))))
    }

    /// Patches the .npy header and publishes the four files, in the order of the old whole-array writer.
    func commit(metadata: [String: String]) throws {
        let header = NumpyFile.header(dtype: .float32, shape: [rows, dimension ?? 0])
        precondition(header.count == NumpyFile.header(dtype: .float32, shape: [0, dimension ?? 0]).count,
                     "a 2-d .npy header changed length with the row count")
        if dimension == nil { try embeddings.append(header) } else { try embeddings.overwrite(header, at: 0) }
        try embeddings.commit()
        try idsFile.commit()
        let layouts = tensors.map { Safetensors.Layout(name: $0.name, dtype: $0.dtype, shape: $0.width.map { [rows, $0] } ?? [rows]) }
        let file = try AtomicFileWriter(output.appendingPathComponent(Self.names.safetensors))
        let order: [Int]
        if let streamedIds {
            order = try streamedIds.writeHeader(layouts, metadata: metadata, to: file)
        } else {
            let header = Safetensors.header(layouts, metadata: metadata)
            try file.append(header.bytes)
            order = header.order
        }
        for k in order { try file.append(contentsOf: tensors[k].spill) }
        try file.commit()
        let errorFile = try AtomicFileWriter(output.appendingPathComponent(Self.names.errors))
        for (_, spill) in errors { try errorFile.append(contentsOf: spill) }
        try errorFile.commit()
    }
}
