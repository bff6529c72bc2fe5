import Foundation
import TensorCore

/// part.json, the last file a sharded `pipeline extract` writes in its part folder: which shard
/// of how many, embedded with which fit and configuration, how many items of how many, the
/// layout `pipeline merge` rebuilds, and the SHA-256 of every file of the part. A part without it
/// is unfinished; one whose files do not match it is damaged.
struct PartManifest: Codable, Equatable {
    static let file = "part.json"
    static let format = "pipeline-extract-part-1"
    /// The files of a part, in the order they are hashed.
    static let contents = [EmbeddingFiles.names.embeddings, EmbeddingFiles.names.ids, EmbeddingFiles.names.safetensors,
                           EmbeddingFiles.names.errors, PartRows.rowsFile, PartRows.failuresFile]

    var format = PartManifest.format
    var shard: Int
    var shardCount: Int
    var fitHash: String
    var configurationHash: String
    /// `frozen-extractors` or `trained-model` (the merged safetensors' `source`).
    var source: String
    var items: Int
    var catalogItems: Int
    var dimension: Int?
    /// The encoders' blocks after item_embeddings, in order; empty in a part without items.
    var blocks: [String]
    /// The modalities, in the order errors.jsonl lists their lines.
    var modalities: [String]
    var files: [String: String]

    enum CodingKeys: String, CodingKey {
        case format, shard, shardCount = "shard_count", fitHash = "fit_hash", configurationHash = "configuration_hash"
        case source, items, catalogItems = "catalog_items", dimension, blocks, modalities, files
    }

    init(shard: Shard, source: ExtractionSource, spec: PipelineSpec, catalogItems: Int, files: EmbeddingFiles) throws {
        (self.shard, shardCount) = (shard.index, shard.count)
        fitHash = source.fitHash
        configurationHash = spec.extractionConfigurationHash
        self.source = source.kind
        (items, self.catalogItems, dimension, blocks) = (files.rows, catalogItems, files.dimension, files.blockNames)
        modalities = source.spec.features.modalityNames
        self.files = try Self.hashes(in: files.output)
    }

    static func hashes(in folder: URL) throws -> [String: String] {
        var hashes: [String: String] = [:]
        for name in contents { hashes[name] = try ContentHash.hex(fileAt: folder.appendingPathComponent(name)) }
        return hashes
    }

    func write(to folder: URL) throws {
        try AtomicFile.write(try StableJSON.encode(self), to: folder.appendingPathComponent(Self.file))
    }

    /// The manifest of the part in `folder`, or a one-line error naming the folder.
    static func read(_ folder: URL) throws -> PartManifest {
        guard let bytes = try? Data(contentsOf: folder.appendingPathComponent(file)) else {
            throw PipelineError(what: "\(folder.path) is not a finished extract part (no \(file))",
                                hint: "rerun its shard: `pipeline extract FILE --shard I/N --output PARTS`")
        }
        guard let manifest = try? StableJSON.decode(PartManifest.self, from: bytes), manifest.format == format else {
            throw PipelineError(what: "\(folder.appendingPathComponent(file).path) is not a part manifest of this version",
                                hint: "rerun its shard with this version of pipeline")
        }
        return manifest
    }
}
