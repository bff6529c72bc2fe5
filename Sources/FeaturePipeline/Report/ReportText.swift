import Foundation

/// The report as plain text (`pipeline inspect RUN`): the same sections as report.html, with
/// tables instead of charts.
extension RunReport {
    public func text() -> String {
        var out = ["run \(pipeline) (\(runDirectory))" + (toolVersion.map { ", pipeline \($0)" } ?? "") + (seed.map { ", seed \($0)" } ?? "")]
        if let state { out.append("latest run: \(state); what follows is the last complete run") }
        out += ["", "stages"] + TextTable.render(
            [["stage", "status", "time", "what it did"]]
                + stages.map { [$0.stage, $0.status == .ran ? "ran" : "skipped", Terminal.duration($0.seconds), $0.notes.joined(separator: "; ")] },
            left: [0, 1, 3])
        if let load {
            out += ["", "data: \(load.items) items, \(load.interactionRows) interaction rows, \(load.userRows) users"]
        }
        if let preprocess {
            out += ["", "preprocessing"] + TextTable.render(
                [["rule", "action", "rows", "rows after"], ["read", "", "", String(preprocess.inputRows)]]
                    + zip(preprocess.rules, rowsAfterEachRule).map { [$0.name, $0.action, String($0.rows), String($1)] },
                left: [0, 1])
        }
        if let split {
            let columns = buckets.filter { $0 != "all" }
            out += ["", "split (rows)"] + TextTable.render(
                [["part"] + columns + ["total"]]
                    + Self.parts.compactMap { part in
                        split[part].map { c in [part] + columns.map { String(c[$0] ?? 0) } + [String(c.values.reduce(0, +))] }
                    },
                left: [0])
        }
        if let extract, !extract.modalities.isEmpty {
            out += ["", "extraction"] + TextTable.render(
                [["modality", "items", "extracted", "cached", "without", "failed", "failures by class"]]
                    + extract.modalities.keys.sorted().map { name in
                        let m = extract.modalities[name]!
                        return [name] + [m.items, m.extracted, m.cached, m.absent, m.failed].map(String.init)
                            + [m.failuresByClass.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")]
                    },
                left: [0, 6])
            if !extract.skippedItems.isEmpty { out.append("\(extract.skippedItems.count) items skipped (on_error: skip)") }
        }
        out += ["", errors.total == 0 ? "errors: none" : "errors: \(errors.total) rejected item files (errors.jsonl)"]
        for f in errors.first.prefix(5) {
            // Decoders often name the file in their message already: print the path once.
            let path = f.path.flatMap { f.message.contains($0) ? nil : "\($0): " } ?? ""
            out.append("  \(f.item) \(f.modality) \(f.errorClass.rawValue): \(path)\(f.message)")
        }
        if errors.total > 5 { out.append("  … \(errors.total - 5) more") }
        if let metrics { out += metricsText(metrics) }
        return out.joined(separator: "\n") + "\n"
    }

    func metricsText(_ metrics: MetricsDocument) -> [String] {
        var out: [String] = []
        if let best = metrics.epochs.first(where: { $0.epoch == metrics.bestEpoch }) {
            out += ["", "training: \(metrics.epochs.count) epochs, best epoch \(best.epoch) "
                    + "(valid RMSE \(Markup.fixed(best.validRMSE, 4)), valid MAE \(Markup.fixed(best.validMAE, 4)))"]
            let ranking = metrics.epochs.contains { $0.validNDCG.isFinite }  // the ranking objective ran
            out += TextTable.render(
                [["epoch", "train loss", "train RMSE", "valid RMSE", "valid MAE"] + (ranking ? ["valid NDCG@10"] : [])]
                    + metrics.epochs.map { e in
                        [String(e.epoch)] + ([e.trainLoss, e.trainRMSE, e.validRMSE, e.validMAE] + (ranking ? [e.validNDCG] : []))
                            .map { Markup.fixed($0, 4) }
                    },
                left: [])
        }
        let columns = metricNames
        var rows = [["bucket", "model", "rows"] + columns]
        for bucket in buckets {
            for model in models {
                guard let values = metrics.test[model]?[bucket] else { continue }
                rows.append([bucket, model, values["rows"].map { String(Int($0)) } ?? "–"] + columns.map { Markup.fixed(values[$0] ?? .nan, 4) })
            }
        }
        if rows.count > 1 {
            out += ["", "test metrics (relevant: rating ≥ \(Markup.fixed(metrics.relevanceThreshold, 2)))"] + TextTable.render(rows, left: [0, 1])
        }
        if !metrics.ablation.isEmpty {
            out += ["", "ablation (masked − full, bucket all)"] + TextTable.render(
                [["modality"] + columns]
                    + metrics.ablation.keys.sorted().map { name in
                        [name] + columns.map { Markup.signed(metrics.ablation[name]?["all"]?[$0] ?? .nan, 4) }
                    },
                left: [0])
        }
        return out
    }
}

/// Columns padded to their widest cell, two spaces apart, indented by two.
enum TextTable {
    static func render(_ rows: [[String]], left: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { c, cell -> String in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == row.count - 1 && left.contains(c) ? cell : left.contains(c) ? cell + pad : pad + cell
            }
            return String(("  " + cells.joined(separator: "  ")).reversed().drop { $0 == " " }.reversed())
        }
    }
}
