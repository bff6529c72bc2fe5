/// Horizontal bars, one per label, from a zero line (values may be negative: the ablation's
/// changes). Each bar is one `<rect class="bar" data-label="…">`; the chart grows with the
/// number of bars.
struct BarChart {
    struct Bar {
        var label: String
        var value: Double
        var colour: String
        /// The value as printed beside the bar.
        var text: String
    }

    var frame: ChartFrame
    var xLabel: String
    var bars: [Bar]

    static let rowHeight = 24.0

    func svg() -> String {
        let c = Markup.coordinate
        var frame = frame
        frame.left = 110
        frame.right = 64
        frame.height = frame.top + frame.bottom + Self.rowHeight * Double(max(bars.count, 1))
        let values = bars.map(\.value).filter(\.isFinite)
        let scale = NiceScale(min(values.min() ?? 0, 0), max(values.max() ?? 1, 0), ticks: 5)
        let xMap = LinearMap(from: (scale.lower, scale.upper), to: (frame.plotLeft, frame.plotRight))
        var out = frame.open(description: bars.map { "\($0.label) \($0.text)" }.joined(separator: "; "))
        out += frame.xAxis(scale, xMap, label: xLabel, grid: true)
        let zero = xMap(0)
        for (k, bar) in bars.enumerated() {
            let y = frame.plotTop + Double(k) * Self.rowHeight
            let end = bar.value.isFinite ? xMap(bar.value) : zero
            let x0 = min(zero, end), width = max(abs(end - zero), bar.value == 0 ? 0 : 1)  // a tiny value stays visible
            out += "<text x=\"\(c(frame.plotLeft - 6))\" y=\"\(c(y + Self.rowHeight / 2))\" dy=\"0.32em\" text-anchor=\"end\">"
                + "\(Markup.escape(bar.label))</text>"
            out += "<rect class=\"bar\" data-label=\"\(Markup.escape(bar.label))\" x=\"\(c(x0))\" y=\"\(c(y + 4))\" "
                + "width=\"\(c(width))\" height=\"\(c(Self.rowHeight - 8))\" fill=\"\(bar.colour)\"/>"
            out += "<text x=\"\(c(max(zero, end) + 4))\" y=\"\(c(y + Self.rowHeight / 2))\" dy=\"0.32em\">\(Markup.escape(bar.text))</text>"
        }
        out += "<line x1=\"\(c(zero))\" x2=\"\(c(zero))\" y1=\"\(c(frame.plotTop))\" y2=\"\(c(frame.plotBottom))\" stroke=\"\(Palette.axis)\"/>"
        return out + frame.close
    }
}
