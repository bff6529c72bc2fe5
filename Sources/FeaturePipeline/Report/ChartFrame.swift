/// The parts every chart of the report shares: an inline `<svg>` of a fixed size with a title,
/// a plot rectangle inside margins, grid lines and labelled axes.
///
/// Every chart is `<svg class="chart" data-chart="ID">` so that tests (and readers) can find it;
/// its data marks carry classes (`series`, `bar`, `point`) and `data-*` names.
struct ChartFrame {
    var id: String
    var title: String
    var width = 460.0
    var height = 260.0
    var left = 58.0
    var right = 16.0
    var top = 30.0
    var bottom = 44.0

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    func open(description: String) -> String {
        let c = Markup.coordinate
        return "<svg class=\"chart\" data-chart=\"\(Markup.escape(id))\" xmlns=\"http://www.w3.org/2000/svg\" "
            + "viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\" role=\"img\">"
            + "<title>\(Markup.escape(title))</title><desc>\(Markup.escape(description))</desc>"
            + "<text class=\"chart-title\" x=\"\(c(plotLeft))\" y=\"18\">\(Markup.escape(title))</text>"
    }

    let close = "</svg>"

    /// Horizontal grid lines and tick labels of a value axis on the left.
    func yAxis(_ scale: NiceScale, _ map: LinearMap, label: String) -> String {
        let c = Markup.coordinate
        var out = "<g class=\"axis y\">"
        for t in scale.ticks {
            let y = c(map(t))
            out += "<line x1=\"\(c(plotLeft))\" x2=\"\(c(plotRight))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"\(Palette.grid)\"/>"
            out += "<text x=\"\(c(plotLeft - 6))\" y=\"\(y)\" dy=\"0.32em\" text-anchor=\"end\">\(Markup.tick(t, step: scale.step))</text>"
        }
        let middle = c((plotTop + plotBottom) / 2)
        out += "<text x=\"14\" y=\"\(middle)\" transform=\"rotate(-90 14 \(middle))\" text-anchor=\"middle\">\(Markup.escape(label))</text>"
        return out + "</g>"
    }

    /// Tick marks and labels of an axis along the bottom; `grid` draws vertical grid lines.
    func xAxis(_ scale: NiceScale, _ map: LinearMap, label: String, grid: Bool = false) -> String {
        let c = Markup.coordinate
        var out = "<g class=\"axis x\">"
        out += "<line x1=\"\(c(plotLeft))\" x2=\"\(c(plotRight))\" y1=\"\(c(plotBottom))\" y2=\"\(c(plotBottom))\" stroke=\"\(Palette.axis)\"/>"
        for t in scale.ticks {
            let x = c(map(t))
            if grid { out += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(c(plotTop))\" y2=\"\(c(plotBottom))\" stroke=\"\(Palette.grid)\"/>" }
            out += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(c(plotBottom))\" y2=\"\(c(plotBottom + 4))\" stroke=\"\(Palette.axis)\"/>"
            out += "<text x=\"\(x)\" y=\"\(c(plotBottom + 16))\" text-anchor=\"middle\">\(Markup.tick(t, step: scale.step))</text>"
        }
        out += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c(height - 6))\" text-anchor=\"middle\">\(Markup.escape(label))</text>"
        return out + "</g>"
    }

    /// A legend: one swatch and name per entry, stacked from (x, y).
    func legend(_ entries: [(name: String, colour: String)], x: Double, y: Double, line: Bool) -> String {
        let c = Markup.coordinate
        var out = "<g class=\"legend\">"
        for (k, entry) in entries.enumerated() {
            let cy = y + Double(k) * 15
            out += line
                ? "<line x1=\"\(c(x))\" x2=\"\(c(x + 16))\" y1=\"\(c(cy))\" y2=\"\(c(cy))\" stroke=\"\(entry.colour)\" stroke-width=\"2\"/>"
                : "<circle cx=\"\(c(x + 5))\" cy=\"\(c(cy))\" r=\"4\" fill=\"\(entry.colour)\"/>"
            out += "<text x=\"\(c(x + 21))\" y=\"\(c(cy))\" dy=\"0.32em\">\(Markup.escape(entry.name))</text>"
        }
        return out + "</g>"
    }
}
