import Foundation
import Recommender

/// report.html: one self-contained page (inline CSS and SVG, no script, no network) with the run
/// summary, learning curves, metrics, ablation and the embedding projection. Printable; the same
/// run folder always gives the same bytes.
extension RunReport {
    public func html(projection: EmbeddingProjection?) -> String {
        var body = "<header><h1>Run report: \(Markup.escape(pipeline))</h1><p class=\"muted\">"
        body += [("run folder", runDirectory), ("pipeline", toolVersion.map { "version \($0)" }), ("seed", seed.map(String.init))]
            .compactMap { name, value in value.map { "\(name) \(Markup.escape($0))" } }.joined(separator: " · ")
        body += "</p></header>\n"
        if let state { body += "<p><strong>Latest run: \(Markup.escape(state))</strong>; what follows is the last complete run.</p>\n" }
        body += stagesSection() + dataSection() + extractSection() + trainingSection() + metricsSection() + ablationSection()
        body += embeddingSection(projection)
        body += "<footer class=\"muted\">Written by <code>pipeline</code> from the files of the run folder; "
            + "regenerate with <code>pipeline report RUN</code>, print as text with <code>pipeline inspect RUN</code>.</footer>\n"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Run report: \(Markup.escape(pipeline))</title>
            <style>\(Self.style)</style></head>
            <body>
            \(body)</body></html>

            """
    }

    static let style = """
        body{font:14px/1.45 "DejaVu Sans",system-ui,sans-serif;color:#222;background:#fff;max-width:1000px;margin:20px auto;padding:0 16px}\
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:3px;margin:26px 0 8px}\
        .muted{color:#666}table{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:tabular-nums}\
        th,td{padding:2px 9px;text-align:right;border-bottom:1px solid #eee;vertical-align:top}\
        td:not(.l),.nw{white-space:nowrap}th{font-weight:600;border-bottom:1px solid #bbb}\
        .l{text-align:left}.best{font-weight:700}tr.group td{border-top:1px solid #bbb}\
        .charts{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:flex-start}\
        svg.chart{max-width:100%;height:auto;font-size:11px}svg.chart text{fill:#333}svg.chart .chart-title{font-size:13px;font-weight:600}\
        code{font-size:13px}footer{margin:28px 0 10px;font-size:12px}\
        @media print{body{max-width:none;margin:0}section{break-inside:avoid}h2{break-after:avoid}}
        """

    // MARK: Sections

    func stagesSection() -> String {
        var rows = ""
        for s in stages {
            rows += "<tr><td class=\"l\">\(Markup.escape(s.stage))</td><td class=\"l nw\">\(s.status == .ran ? "ran" : "up to date")</td>"
                + "<td>\(Terminal.duration(s.seconds))</td><td class=\"l\">\(Markup.escape(s.notes.joined(separator: "; ")))</td></tr>"
        }
        let chart = BarChart(
            frame: ChartFrame(id: "stage-time", title: "Time per stage"), xLabel: "seconds (skipped stages: when they last ran)",
            bars: stages.map { s in
                .init(label: s.stage, value: s.seconds, colour: s.status == .ran ? Palette.categorical[0] : Palette.grey,
                      text: Terminal.duration(s.seconds))
            })
        return section("stages", "Stages",
                       table(["stage", "status", "time", "what it did"], rows, left: [0, 1, 3]) + "<div class=\"charts\">\(chart.svg())</div>")
    }

    func dataSection() -> String {
        var html = ""
        if let load {
            let facts = [("items", load.items), ("interaction rows", load.interactionRows), ("users", load.userRows),
                         ("item rows without a unique id", load.duplicateItemIds + load.emptyItemIds),
                         ("fields with invalid UTF-8", load.invalidUTF8Fields)]
            html += "<p>" + facts.filter { $0.1 > 0 || $0.0 == "items" }.map { "\(Markup.count($0.1)) \($0.0)" }.joined(separator: " · ") + "</p>"
        }
        if let preprocess {
            var rows = "<tr><td class=\"l\">read</td><td class=\"l\"></td><td></td><td>\(Markup.count(preprocess.inputRows))</td></tr>"
            for (rule, after) in zip(preprocess.rules, rowsAfterEachRule) {
                rows += "<tr><td class=\"l\">\(Markup.escape(rule.name))</td><td class=\"l\">\(Markup.escape(rule.action))</td>"
                    + "<td>\(Markup.count(rule.rows))</td><td>\(Markup.count(after))</td></tr>"
            }
            html += "<h3>Preprocessing</h3>" + table(["rule", "action", "rows", "rows after"], rows, left: [0, 1])
        }
        if let split {
            let columns = buckets.filter { $0 != "all" }
            var rows = ""
            for part in Self.parts where split[part] != nil {
                let counts = split[part]!
                rows += "<tr><td class=\"l\">\(part)</td>" + columns.map { "<td>\(Markup.count(counts[$0] ?? 0))</td>" }.joined()
                    + "<td>\(Markup.count(counts.values.reduce(0, +)))</td></tr>"
            }
            html += "<h3>Split (rows per bucket)</h3>" + table(["part"] + columns + ["total"], rows, left: [0])
        }
        return html.isEmpty ? "" : section("data", "Data", html)
    }

    func extractSection() -> String {
        guard let extract, !extract.modalities.isEmpty else { return "" }
        var rows = ""
        for name in extract.modalities.keys.sorted() {
            let m = extract.modalities[name]!
            let used = m.cached + m.extracted
            let hits = used > 0 ? Markup.fixed(100 * Double(m.cached) / Double(used), 0) + " %" : "–"
            let classes = m.failuresByClass.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            rows += "<tr data-modality=\"\(Markup.escape(name))\"><td class=\"l\">\(Markup.escape(name))</td>"
                + [m.items, m.extracted, m.cached].map { "<td>\(Markup.count($0))</td>" }.joined() + "<td>\(hits)</td>"
                + [m.absent, m.failed].map { "<td>\(Markup.count($0))</td>" }.joined() + "<td class=\"l\">\(Markup.escape(classes))</td></tr>"
        }
        var html = table(["modality", "items", "extracted", "cached", "cache hits", "without", "failed", "failures by class"], rows, left: [0, 7])
        if !extract.skippedItems.isEmpty {
            html += "<p>\(extract.skippedItems.count) items set aside from training and evaluation (<code>on_error: skip</code>).</p>"
        }
        html += errorsHTML()
        return section("extract", "Feature extraction", html)
    }

    func errorsHTML() -> String {
        guard errors.total > 0 else { return "<p>No rejected item files.</p>" }
        var rows = ""
        for f in errors.first {
            rows += "<tr><td class=\"l\">\(Markup.escape(f.item))</td><td class=\"l\">\(Markup.escape(f.modality))</td>"
                + "<td class=\"l\">\(f.errorClass.rawValue)</td><td class=\"l\">\(Markup.escape(f.path ?? ""))</td>"
                + "<td class=\"l\">\(Markup.escape(f.message))</td></tr>"
        }
        let more = errors.total - errors.first.count
        return "<h3>Rejected item files (\(errors.total), errors.jsonl)</h3>"
            + table(["item", "modality", "class", "file", "message"], rows, left: [0, 1, 2, 3, 4])
            + (more > 0 ? "<p class=\"muted\">\(more) more in errors.jsonl.</p>" : "")
    }

    func trainingSection() -> String {
        guard let metrics, !metrics.epochs.isEmpty else { return "" }
        let epochs = metrics.epochs
        let marker = (x: Double(metrics.bestEpoch), label: "best \(metrics.bestEpoch)")
        func series(_ name: String, _ colour: String, _ value: (EpochRecord) -> Double) -> LineChart.Series {
            .init(name: name, colour: colour, points: epochs.map { (Double($0.epoch), value($0)) })
        }
        let loss = LineChart(frame: ChartFrame(id: "loss", title: "Training loss", width: 560, right: 116), xLabel: "epoch", yLabel: "MSE (normalised ratings)",
                             series: [series("train loss", Palette.categorical[0]) { $0.trainLoss }]
                                 + (metrics.epochs.contains { $0.validLoss.isFinite }
                                     ? [series("valid loss", Palette.categorical[1]) { $0.validLoss }] : []),
                             marker: marker)
        let rmse = LineChart(frame: ChartFrame(id: "rmse", title: "RMSE per epoch", width: 560, right: 116), xLabel: "epoch", yLabel: "RMSE",
                             series: [series("train", Palette.categorical[0]) { $0.trainRMSE },
                                      series("valid", Palette.categorical[1]) { $0.validRMSE }], marker: marker)
        let best = epochs.first { $0.epoch == metrics.bestEpoch }
        let note = "\(epochs.count) epochs; the weights of epoch \(metrics.bestEpoch) were kept"
            + (best.map { " (valid RMSE \(Markup.fixed($0.validRMSE, 4)), valid MAE \(Markup.fixed($0.validMAE, 4)))" } ?? "") + "."
        return section("training", "Training", "<p>\(note)</p><div class=\"charts\">\(loss.svg())\(rmse.svg())</div>")
    }

    func metricsSection() -> String {
        guard let metrics, !metrics.test.isEmpty else { return "" }
        let columns = metricNames
        var rows = ""
        for bucket in buckets where models.contains(where: { metrics.test[$0]?[bucket] != nil }) {
            let present = models.filter { metrics.test[$0]?[bucket] != nil }
            for (k, model) in present.enumerated() {
                let values = metrics.test[model]![bucket]!
                rows += "<tr data-model=\"\(Markup.escape(model))\" data-bucket=\"\(Markup.escape(bucket))\"\(k == 0 ? " class=\"group\"" : "")>"
                    + "<td class=\"l\">\(k == 0 ? Markup.escape(bucket) : "")</td><td class=\"l\">\(Markup.escape(model))</td>"
                    + "<td>\(values["rows"].map { Markup.count(Int($0)) } ?? "–")</td>"
                for metric in columns {
                    let value = values[metric] ?? .nan
                    let others = present.compactMap { metrics.test[$0]?[bucket]?[metric] }.filter(\.isFinite)
                    let lowerIsBetter = metric == "rmse" || metric == "mae"
                    let tied = others.min() == others.max()  // nothing to single out
                    let isBest = value.isFinite && !tied && value == (lowerIsBetter ? others.min() : others.max())
                    rows += "<td\(isBest ? " class=\"best\"" : "")>\(Markup.fixed(value, 4))</td>"
                }
                rows += "</tr>"
            }
        }
        var html = "<p>Test split; ranking metrics count ratings ≥ \(Markup.fixed(metrics.relevanceThreshold, 2)) as relevant. "
            + "Bold: the best model of the bucket.</p>" + table(["bucket", "model", "rows"] + columns, rows, left: [0, 1])
        if let valid = metrics.valid["all"] {
            html += "<p class=\"muted\">Validation (fused model, used for early stopping): "
                + ["rmse", "mae"].compactMap { m in valid[m].map { "\(m.uppercased()) \(Markup.fixed($0, 4))" } }.joined(separator: ", ") + ".</p>"
        }
        return section("metrics", "Test metrics", html)
    }

    func ablationSection() -> String {
        guard let metrics, !metrics.ablation.isEmpty else { return "" }
        let names = metrics.ablation.keys.sorted()
        let ranking = metricNames.first { $0.hasPrefix("ndcg@") }
        var charts = ""
        for metric in ["rmse"] + (ranking.map { [$0] } ?? []) {
            let bars = names.map { name -> BarChart.Bar in
                let delta = metrics.ablation[name]?["all"]?[metric] ?? .nan
                let helps = metric == "rmse" ? delta > 0 : delta < 0
                return .init(label: name, value: delta, colour: helps ? Palette.categorical[0] : Palette.categorical[3],
                             text: Markup.signed(delta, 4))
            }
            let id = "ablation-" + metric.replacingOccurrences(of: "@", with: "-")
            charts += BarChart(frame: ChartFrame(id: id, title: "Δ \(metric) with the modality masked"),
                               xLabel: "masked − full (bucket all)", bars: bars).svg()
        }
        let columns = metricNames
        var rows = ""
        for name in names {
            for (k, bucket) in buckets.enumerated() {
                guard let deltas = metrics.ablation[name]?[bucket] else { continue }
                rows += "<tr\(k == 0 ? " class=\"group\"" : "")><td class=\"l\">\(k == 0 ? Markup.escape(name) : "")</td><td class=\"l\">\(Markup.escape(bucket))</td>"
                    + columns.map { "<td>\(Markup.signed(deltas[$0] ?? .nan, 4))</td>" }.joined() + "</tr>"
            }
        }
        let text = "<p>Each modality's vectors are replaced by the missing-value vector at test time; the change in each metric "
            + "shows what the modality contributes (blue: the model is worse without it).</p>"
        return section("ablation", "Modality ablation", text + "<div class=\"charts\">\(charts)</div>"
                       + table(["modality", "bucket"] + columns, rows, left: [0, 1]))
    }

    func embeddingSection(_ projection: EmbeddingProjection?) -> String {
        guard let p = projection else { return section("embeddings", "Item embeddings", "<p>This run exported no item embeddings.</p>") }
        let colours = p.categories.enumerated().map { k, name in
            name == ItemLabels.other || name == ItemLabels.missing ? Palette.grey : Palette.categorical[k % Palette.categorical.count]
        }
        let ratio = p.explainedVarianceRatio.map { Markup.fixed(100 * $0, 1) + " %" }
        let chart = ScatterChart(
            frame: ChartFrame(id: "embeddings", title: "Item embeddings, PCA", width: 660, height: 420),
            xLabel: "PC 1 (\(ratio.first ?? "–") of variance)", yLabel: "PC 2 (\(ratio.dropFirst().first ?? "–"))",
            categories: Array(zip(p.categories, colours)).map { (name: $0, colour: $1) }, points: p.points)
        let shown = p.points.count < p.items ? " (an even sample of \(p.points.count) of the \(p.items) items)" : ""
        return section("embeddings", "Item embeddings",
                       "<p>The fused item vectors on their first two principal components, coloured by "
                       + "<strong>\(Markup.escape(p.colouredBy))</strong>\(shown). "
                       + "Another field: <code>pipeline report RUN --color-by FIELD</code>.</p><div class=\"charts\">\(chart.svg())</div>")
    }

    // MARK: Helpers

    func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(title)</h2>\(content)</section>\n"
    }

    /// A table whose columns at `left` are left-aligned (text) and the others right-aligned (numbers).
    func table(_ head: [String], _ rows: String, left: Set<Int>) -> String {
        "<table><thead><tr>" + head.enumerated().map { k, h in "<th\(left.contains(k) ? " class=\"l\"" : "")>\(Markup.escape(h))</th>" }.joined()
            + "</tr></thead><tbody>\(rows)</tbody></table>"
    }
}
