import Foundation
import TensorCore

/// Modalities' outputs extracted by the pass that fits their encoder state on a streamed catalog
/// (`ExtractionEngine.fitOnFeatures`), kept for the pass that embeds the items so no file is
/// read twice: each chunk's tensors appended to a hidden file beside the outputs (removed when
/// dropped), its failures and counts in memory.
final class FeatureSpill {
    private let file: AtomicFileWriter
    private var written = 0
    /// Per modality, per chunk: where its tensors are, its failures and counts.
    private var chunks: [String: [(offset: Int, count: Int, failures: [ItemFailure], summary: ModalitySummary)]] = [:]
    /// Per modality: what fits its state, fed chunk by chunk.
    private var fitters: [String: any FeatureFitter] = [:]

    init(output: URL) throws {
        file = try AtomicFileWriter(output.appendingPathComponent("features.spill"))
    }

    func append(_ output: ModalityOutput, of modality: any ItemModality) throws {
        let bytes = Safetensors.encode(output.entries)
        try file.append(bytes)
        chunks[modality.name, default: []].append((written, bytes.count, output.failures, output.summary))
        written += bytes.count
        if fitters[modality.name] == nil { fitters[modality.name] = modality.makeFeatureFitter() }
        fitters[modality.name]?.add(ModalityTensors(modality: modality.name, file: Safetensors.File(entries: output.entries)))
    }

    /// Whether `modality`'s outputs are spilled here.
    func holds(_ modality: String) -> Bool { chunks[modality] != nil }

    /// The state fitted on every spilled chunk of `modality`.
    func state(of modality: String) -> (any ModalityState)? { fitters[modality]?.state() }

    /// Chunk `index`'s output of `modality`, or nil when it was not spilled.
    func read(_ modality: String, chunk index: Int) throws -> ModalityOutput? {
        guard let chunk = chunks[modality]?[index] else { return nil }
        let tensors = try Safetensors.decode(try file.read(at: chunk.offset, count: chunk.count), name: "features.spill")
        return ModalityOutput(entries: tensors.entries, failures: chunk.failures, summary: chunk.summary)
    }
}
