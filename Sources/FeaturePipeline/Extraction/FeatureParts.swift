import Foundation
import TensorCore

/// One rank's extraction of its part of the catalog (every modality's `ModalityOutput`, in the
/// registry's order) as bytes for the gather to rank 0: a safetensors file of the outputs'
/// tensors whose metadata lists each output's tensor names, failures and counts.
enum FeatureParts {
    struct Output: Codable {
        var tensors: [String]
        var failures: [ItemFailure]
        var summary: ModalitySummary
    }

    static func encode(_ outputs: [ModalityOutput]) throws -> [UInt8] {
        let listed = outputs.map { Output(tensors: $0.entries.map(\.name), failures: $0.failures, summary: $0.summary) }
        let metadata = String(decoding: try JSONEncoder().encode(listed), as: UTF8.self)
        return [UInt8](Safetensors.encode(outputs.flatMap(\.entries), metadata: ["outputs": metadata]))
    }

    /// The outputs `encode` wrote on rank `rank`.
    static func decode(_ bytes: [UInt8], rank: Int) throws -> [ModalityOutput] {
        let file = try Safetensors.decode(bytes, name: "the features of rank \(rank)")
        let listed = try JSONDecoder().decode([Output].self, from: Data((file.metadata["outputs"] ?? "[]").utf8))
        return listed.map { output in
            ModalityOutput(entries: output.tensors.map { name in
                guard let entry = file[name] else { preconditionFailure("rank \(rank) sent no tensor \(name)") }
                return entry
            }, failures: output.failures, summary: output.summary)
        }
    }
}

extension ModalityOutput {
    /// The outputs of consecutive parts of a catalog, in order, as the output of the whole: the
    /// modality joins its tensors, the failures follow each other (catalog order), counts add up.
    init(joining parts: [ModalityOutput], of modality: any ItemModality) {
        entries = modality.joinedTensors(parts.map(\.entries))
        failures = parts.flatMap(\.failures)
        summary = parts.reduce(into: ModalitySummary()) { $0.add($1.summary) }
    }
}
