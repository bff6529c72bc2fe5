import Foundation
import TensorCore

/// Every configured modality's features for one chunk of a catalog (the whole catalog in
/// `pipeline run`): what the extract stage stores and what `pipeline extract` encodes.
///
/// Entries are each modality's tensors, `<modality>.<tensor>`. Failures are collected per item
/// and checked against each modality's `on_error`.
struct ItemFeatureSet {
    var entries: [Safetensors.Entry] = []
    var failures: [ItemFailure] = []
    var modalities: [String: ModalitySummary] = [:]
    /// Items that `on_error: skip` sets aside.
    var skippedItems: [String] = []
    /// The first failure of each modality whose policy is `fail`.
    private var stoppingFailures: [ItemFailure] = []

    static let format = "pipeline-features-1"

    var file: Safetensors.File { Safetensors.File(entries: entries, metadata: ["format": Self.format]) }

    /// Adds one modality's output and applies its policy; for `fail` its first failure is kept,
    /// and `checkFailPolicy` stops once every modality was added.
    mutating func add(_ output: ModalityOutput, of modality: any ItemModality) {
        entries += output.entries
        failures += output.failures
        modalities[modality.name] = output.summary
        if modality.onError == .skip { skippedItems += output.failures.map(\.item) }
        if modality.onError == .fail, let first = output.failures.first { stoppingFailures.append(first) }
    }

    /// `fail`: throws for the first bad input in catalog order, whichever modality it belongs to
    /// (ties in the registry's order). Item positions are looked up only when there is one.
    mutating func checkFailPolicy(_ catalog: Catalog) throws {
        skippedItems = Array(Set(skippedItems)).sorted()
        guard !stoppingFailures.isEmpty else { return }
        let position = Dictionary(catalog.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let first = stoppingFailures.min { position[$0.item, default: 0] < position[$1.item, default: 0] }!
        throw PipelineError(
            what: "item \(first.item): \(first.modality) \(first.path ?? "") rejected (\(first.errorClass.rawValue)): \(first.message)",
            hint: "fix or remove the file, or set features.\(first.modality).on_error: skip or fallback")
    }

    /// errors.jsonl: one JSON object per rejected item input.
    var errorLines: Data {
        Data((failures.map(\.line).joined(separator: "\n") + (failures.isEmpty ? "" : "\n")).utf8)
    }
}
