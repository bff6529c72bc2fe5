/// Curves over a numeric x axis (the learning curves: a value per epoch), with an optional
/// vertical marker (the best epoch). Each series is one `<polyline class="series">` with one
/// point per value, in order.
struct LineChart {
    struct Series {
        var name: String
        var colour: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    var frame: ChartFrame
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var marker: (x: Double, label: String)?
    /// Ticks at whole numbers only (epochs).
    var integerX = true

    func svg() -> String {
        let c = Markup.coordinate
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = finite.map(\.x), ys = finite.map(\.y)
        let xScale = NiceScale(xs.min() ?? 0, xs.max() ?? 1, ticks: 6, minimumStep: integerX ? 1 : 0)
        let yScale = NiceScale(ys.min() ?? 0, ys.max() ?? 1)
        let xMap = LinearMap(from: (xScale.lower, xScale.upper), to: (frame.plotLeft, frame.plotRight))
        let yMap = LinearMap(from: (yScale.lower, yScale.upper), to: (frame.plotBottom, frame.plotTop))
        let summary = series.map { "\($0.name): \($0.points.count) points" }.joined(separator: "; ")
        var out = frame.open(description: summary)
        out += frame.yAxis(yScale, yMap, label: yLabel)
        out += frame.xAxis(xScale, xMap, label: xLabel)
        if let marker {
            let x = c(xMap(marker.x))
            out += "<g class=\"marker\"><line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(c(frame.plotTop))\" y2=\"\(c(frame.plotBottom))\" "
                + "stroke=\"\(Palette.axis)\" stroke-dasharray=\"3 3\"/>"
                + "<text x=\"\(x)\" y=\"\(c(frame.plotTop - 3))\" text-anchor=\"middle\">\(Markup.escape(marker.label))</text></g>"
        }
        for s in series {
            // A non-finite value (a diverged epoch) breaks nothing: it is left out of the line.
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { "\(c(xMap($0.x))),\(c(yMap($0.y)))" }
            out += "<polyline class=\"series\" data-series=\"\(Markup.escape(s.name))\" fill=\"none\" stroke=\"\(s.colour)\" "
                + "stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 3\"" : "") points=\"\(points.joined(separator: " "))\"/>"
            if points.count <= 40 {  // dots show where the epochs are; too many would blur the line
                out += "<g fill=\"\(s.colour)\">" + points.map { p -> String in
                    let xy = p.split(separator: ",")
                    return "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\"/>"
                }.joined() + "</g>"
            }
        }
        // Beside the plot, never over the curves (the frame leaves room on the right).
        out += frame.legend(series.map { ($0.name, $0.colour) }, x: frame.plotRight + 12, y: frame.plotTop + 6, line: true)
        return out + frame.close
    }
}
