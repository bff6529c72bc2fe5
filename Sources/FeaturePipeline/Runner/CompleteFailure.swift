import Foundation

/// Failures of a whole modality or of the whole catalog, as opposed to some bad files.
///
/// A configured modality whose every input was rejected, or a catalog where every item had a
/// rejected input, is reported even when `on_error` let the run go on: the run finishes what it
/// can, then `pipeline run` prints each line and exits with status 4 (docs/cli.md). When
/// `on_error: skip` leaves no training rating at all, the run stops after the extract stage with
/// status 4.
extension PipelineRunner {
    /// One line per complete failure (empty when none), from the extract stage's records.
    func completeFailures() throws -> [String] {
        let summary = try folder.read(.extractSummary)
        var lines: [String] = []
        var coversEveryItem = false
        for name in summary.modalities.keys.sorted() {
            let m = summary.modalities[name]!
            let inputs = m.items - m.absent
            guard inputs > 0, m.failed >= inputs else { continue }
            let classes = m.failuresByClass.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append("every \(name) input failed: \(m.failed) of \(inputs) items with \(inputNoun(name)) were rejected (\(classes))")
            coversEveryItem = coversEveryItem || inputs == m.items
        }
        let failedItems = Set(try folder.extractFailures().map(\.item)).count
        let items = try folder.catalog().count
        if !coversEveryItem, items > 0, failedItems == items {
            lines.append("every item failed: each of the \(items) items has a rejected input")
        }
        return lines.map { $0 + " (hint: see \(store.url(RunFolder.Path.errors).path))" }
    }

    /// Stops the run when `on_error: skip` set aside every training rating; errors.jsonl is
    /// written to the run folder first so the user can see why.
    func stopWhenNothingIsLeftToTrainOn() throws {
        guard try folder.trainingSplit().count(.train) == 0 else { return }
        try store.write(folder.extractErrorLines(), to: RunFolder.Path.errors)
        let skipped = try folder.read(.extractSummary).skippedItems.count
        throw PipelineError(
            what: "nothing is left to train on: on_error: skip set aside \(skipped) of \(try folder.catalog().count) items, and with them every training rating (\(store.url(RunFolder.Path.errors).path) lists each rejected file)",
            hint: "fix or replace the files, or set on_error: fallback to keep the items without that modality",
            exitCode: 4)
    }

    private func inputNoun(_ modality: String) -> String {
        spec.features.modality(named: modality)?.inputNoun ?? "a \(modality)"
    }
}
