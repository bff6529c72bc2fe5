@testable import FeaturePipeline
import Foundation
import TestSupport
import Testing

/// The SVG charts and the formatting helpers of the report.
@Suite struct ReportChartTests {
    let frame = ChartFrame(id: "test", title: "A <test> & chart")

    @Test func escapingCoversElementsAndAttributes() {
        #expect(Markup.escape(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(Markup.escape("Ünïcode 映画 →") == "Ünïcode 映画 →")
    }

    @Test func numbersAreLocaleFreeAndNeverNegativeZero() {
        #expect(Markup.fixed(-0.00001, 4) == "0.0000")
        #expect(Markup.fixed(.nan, 2) == "–")
        #expect(Markup.signed(0.01706, 4) == "+0.0171")
        #expect(Markup.signed(-0.0124, 4) == "−0.0124")
        #expect(Markup.signed(0.00001, 4) == "0.0000")
        #expect(Markup.coordinate(12.04) == "12")
        #expect(Markup.coordinate(-3.25) == "-3.2" || Markup.coordinate(-3.25) == "-3.3")
        #expect(Markup.coordinate(-0.01) == "0")
        #expect(Markup.count(10110) == "10\u{202F}110")
        #expect(Markup.count(-1234567) == "−1\u{202F}234\u{202F}567")
    }

    @Test(arguments: [(0.19, 0.5), (0.4410, 0.7539), (-0.0455, 0.0171), (1, 16), (3, 3), (0, 0), (1e-6, 3e-6)])
    func niceScaleCoversTheRangeWithRoundSteps(_ low: Double, _ high: Double) {
        let scale = NiceScale(low, high)
        #expect(scale.lower <= low && scale.upper >= high)
        #expect(scale.upper > scale.lower)
        let mantissa = scale.step / pow(10, floor(log10(scale.step)))
        #expect([1, 2, 5, 10].contains { abs($0 - mantissa) < 1e-9 }, "step \(scale.step)")
        #expect((3...11).contains(scale.ticks.count), "\(scale.ticks)")
    }

    @Test func epochTicksStayOnWholeNumbers() {
        #expect(NiceScale(1, 3, ticks: 6, minimumStep: 1).ticks == [1, 2, 3])
    }

    @Test func lineChartHasOnePolylinePerSeriesWithOnePointPerValue() throws {
        let losses = (1...16).map { (Double($0), 0.5 / Double($0)) }
        let rmse = (1...16).map { (Double($0), $0 == 5 ? Double.nan : 0.7) }  // a flat line with one diverged epoch
        let svg = LineChart(frame: frame, xLabel: "epoch", yLabel: "loss",
                            series: [.init(name: "loss", colour: "#000", points: losses), .init(name: "flat", colour: "#111", points: rmse)],
                            marker: (x: 13, label: "best 13")).svg()
        let lines = ReportMarkup.elements("polyline", in: svg)
        #expect(lines.map { $0["data-series"] } == ["loss", "flat"])
        let points = ReportMarkup.points(lines[0]["points"])
        #expect(points.count == 16)
        #expect(ReportMarkup.points(lines[1]["points"]).count == 15, "the NaN epoch is left out")
        for (x, y) in points {
            #expect((frame.plotLeft...frame.plotRight).contains(x) && (frame.plotTop...frame.plotBottom).contains(y))
        }
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.0 < $1.0 && $0.1 < $1.1 }, "x grows, a falling loss goes down the page")
        // The legend sits beside the plot, never over the curves.
        let legend = try #require(svg.components(separatedBy: "<g class=\"legend\">").last)
        for line in ReportMarkup.elements("line", in: legend) {
            #expect(Double(line["x1"] ?? "") ?? 0 > frame.plotRight, "legend at \(line["x1"] ?? "?") over the plot (right edge \(frame.plotRight))")
        }
        #expect(svg.contains("<title>A &lt;test&gt; &amp; chart</title>"))
        #expect(svg.contains(">best 13</text>"))
    }

    @Test func barChartHasOneBarPerLabelAndNegativeBarsGoLeft() throws {
        let svg = BarChart(frame: frame, xLabel: "Δ", bars: [
            .init(label: "audio", value: 0.017, colour: "#000", text: "+0.017"),
            .init(label: "text", value: -0.004, colour: "#000", text: "−0.004"),
            .init(label: "image", value: 0, colour: "#000", text: "0"),
        ]).svg()
        let bars = ReportMarkup.elements("rect", in: svg).filter { $0["class"] == "bar" }
        #expect(bars.map { $0["data-label"] } == ["audio", "text", "image"])
        let x: [Double] = bars.map { Double($0["x"]!)! }
        let width: [Double] = bars.map { Double($0["width"]!)! }
        let negativeEnd = x[1] + width[1]
        #expect(negativeEnd <= x[0] + 0.1, "the negative bar ends where the positive one starts (the zero line)")
        #expect(width[0] > width[1] && width[1] > 0 && width[2] == 0)
        let svg5 = BarChart(frame: frame, xLabel: "", bars: (0..<5).map { .init(label: "\($0)", value: 1, colour: "#000", text: "") }).svg()
        let height = { (s: String) in Double(ReportMarkup.elements("svg", in: s)[0]["height"]!)! }
        #expect(height(svg5) - height(svg) == 2 * BarChart.rowHeight)
    }

    @Test func scatterGroupsPointsByCategoryWithCountsInTheLegend() {
        var points: [(x: Double, y: Double, category: Int)] = []
        for i in 0..<30 { points.append((x: Double(i), y: Double(i % 7), category: i % 3 == 0 ? 1 : 0)) }
        let svg = ScatterChart(frame: frame, xLabel: "PC 1", yLabel: "PC 2",
                               categories: [(name: "Drama", colour: "#111"), (name: "Comedy", colour: "#222"), (name: "empty", colour: "#333")],
                               points: points).svg()
        let groups = ReportMarkup.elements("g", in: svg).filter { $0["class"] == "points" }
        #expect(groups.map { $0["data-category"] } == ["Drama", "Comedy"], "bigger group first; an empty category draws nothing")
        #expect(ReportMarkup.elements("circle", in: svg).count == 30 + 3, "30 points and 3 legend swatches")
        #expect(svg.contains(">Drama (20)</text>") && svg.contains(">Comedy (10)</text>") && svg.contains(">empty (0)</text>"))
    }
}
