import Foundation
import TestSupport
import Testing

/// report.html of the fixture run rendered by headless Chromium: every chart is on the page and
/// has its data drawn (pixels of the series colours inside the chart's box).
@Suite struct ReportRenderingTests {
    struct Layout: Decodable {
        let height: Int
        /// [id, left, top, width, height] in CSS pixels of the whole page.
        let charts: [[Value]]

        enum Value: Decodable {
            case text(String), number(Int)
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
            }
            var number: Int { if case .number(let n) = self { n } else { 0 } }
            var text: String { if case .text(let s) = self { s } else { "" } }
        }
    }

    /// Appended to a copy of the page (the report itself has no script): puts the page height and
    /// each chart's box into the title, which `--dump-dom` prints.
    static let measuringScript = """
        <script>document.title = JSON.stringify({height: document.documentElement.scrollHeight,
        charts: [...document.querySelectorAll('svg[data-chart]')].map(e => { const r = e.getBoundingClientRect();
        return [e.dataset.chart, Math.round(r.left), Math.round(r.top + window.scrollY), Math.round(r.width), Math.round(r.height)] })})</script>
        """

    static let width = 1100

    @Test(.enabled(if: Chromium.available, "chromium is not installed (scripts/install-deps installs the Debian package)"))
    func everyChartIsDrawnWithItsData() throws {
        let report = try FixtureRun.directory().appendingPathComponent("report.html")
        let work = Repository.temporaryDirectory("render")
        defer { try? FileManager.default.removeItem(at: work) }

        let probe = work.appendingPathComponent("probe.html")
        try String(contentsOf: report, encoding: .utf8).replacingOccurrences(of: "</body>", with: Self.measuringScript + "</body>")
            .write(to: probe, atomically: true, encoding: .utf8)
        let dom = try Chromium.run(probe, ["--dump-dom", "--force-device-scale-factor=1"], width: Self.width, height: 1200)
        let title = try #require(dom.range(of: "<title>").flatMap { open in dom.range(of: "</title>").map { dom[open.upperBound..<$0.lowerBound] } })
        let layout = try JSONDecoder().decode(Layout.self, from: Data(title.replacingOccurrences(of: "&amp;", with: "&").utf8))
        let ids = layout.charts.map { $0[0].text }
        #expect(ids == ["stage-time", "loss", "rmse", "ablation-rmse", "ablation-ndcg-10", "embeddings"])

        let png = work.appendingPathComponent("report.png")
        _ = try Chromium.run(report, ["--screenshot=\(png.path)", "--force-device-scale-factor=1"], width: Self.width, height: layout.height)
        let shot = try Screenshot(png: png)
        #expect(shot.width == Self.width && shot.height == layout.height)

        let blue = Screenshot.near("#0072B2"), orange = Screenshot.near("#E69F00")
        for chart in layout.charts {
            let id = chart[0].text
            let (x, y, w, h) = (chart[1].number, chart[2].number, chart[3].number, chart[4].number)
            #expect(w >= 300 && h >= 80, "\(id) has a box of \(w)×\(h)")
            let inked = shot.count(x: x, y: y, width: w, height: h) { $0 < 235 || $1 < 235 || $2 < 235 }
            #expect(inked * 100 >= w * h * 2, "\(id): \(inked) non-background pixels in \(w)×\(h)")
            let count = { (colour: (Int, Int, Int) -> Bool) in shot.count(x: x, y: y, width: w, height: h, where: colour) }
            switch id {
            case "loss", "stage-time":
                #expect(count(blue) > 150, "\(id): \(count(blue)) pixels of the series colour")
            case "rmse":
                #expect(count(blue) > 150 && count(orange) > 150, "rmse: train \(count(blue)), valid \(count(orange)) pixels")
                // Both curves run across most of the plot (epoch 1 to the last), not a dot in a corner.
                for (name, colour) in [("train", blue), ("valid", orange)] {
                    let span = shot.columns(x: x, y: y, width: w, height: h, where: colour)
                    #expect(span * 2 > w, "\(name) curve spans \(span) of \(w) columns")
                }
            case "embeddings":
                let genres = ["#0072B2", "#E69F00", "#009E73", "#D55E00"].map { count(Screenshot.near($0, tolerance: 30)) }
                #expect(genres.allSatisfy { $0 > 40 }, "pixels per category colour: \(genres)")
            default:  // the ablation: one bar, blue when the modality helps, vermillion when not
                #expect(count(blue) + count(Screenshot.near("#D55E00")) > 100, "\(id): no bar pixels")
            }
        }
    }
}
