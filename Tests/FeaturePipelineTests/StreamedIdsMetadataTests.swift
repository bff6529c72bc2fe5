import Foundation
import TensorCore
import TestSupport
import Testing
@testable import FeaturePipeline

/// `pipeline merge` writes the safetensors `item_ids` metadata from ids spilled as they pass:
/// the header must be the bytes `Safetensors.header` gives for the whole list, whatever the ids
/// hold (quotes, backslashes, control characters, slashes, non-ASCII) and however many chunks.
@Suite struct StreamedIdsMetadataTests {
    func write(_ chunks: [[String]], streamed: Bool, into folder: URL) throws -> Data {
        let files = try EmbeddingFiles(output: folder, idsInHeader: streamed)
        for ids in chunks {
            let vectors = Tensor(shape: [ids.count, 3], storage: (0..<(ids.count * 3)).map { Float($0) / 7 })
            try files.append(ids: ids, vectors: vectors, blocks: [], failures: [], modalities: [])
        }
        var metadata = ["format": "pipeline-embeddings-1", "source": "frozen-extractors"]
        if !streamed { metadata["item_ids"] = try StageCodecs.jsonText(chunks.flatMap { $0 }) }
        try files.commit(metadata: metadata)
        return try Data(contentsOf: folder.appendingPathComponent("item_embeddings.safetensors"))
    }

    @Test(arguments: [1, 2, 5]) func streamedIdsGiveTheWholeListsHeader(chunkCount: Int) throws {
        let dir = Repository.temporaryDirectory("streamed-ids")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = ["i1", "quote\"d", "back\\slash", "tab\tid", "slash/ok", "caf\u{e9}", "\u{6620}\u{753b}", "\u{1F3B5}",
                   "\u{1}ctl", "</script>", "x"]
        let size = (ids.count + chunkCount - 1) / chunkCount
        let chunks = stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min(ids.count, $0 + size)]) }
        let whole = try write(chunks, streamed: false, into: dir.appendingPathComponent("whole"))
        let streamed = try write(chunks, streamed: true, into: dir.appendingPathComponent("streamed"))
        #expect(streamed == whole)
        #expect(try Safetensors.decode([UInt8](streamed)).metadata["item_ids"] == StageCodecs.jsonText(ids))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("streamed").path).sorted()
        #expect(left == ["errors.jsonl", "item_embeddings.npy", "item_embeddings.safetensors", "item_ids.txt"])
    }
}
