/// Points in two dimensions coloured by category (the PCA of the item embeddings), with the
/// legend on the right. Points are grouped per category: `<g class="points" data-category="…">`
/// holding one `<circle>` per point.
struct ScatterChart {
    var frame: ChartFrame
    var xLabel: String
    var yLabel: String
    /// Legend order; `colour` per category.
    var categories: [(name: String, colour: String)]
    var points: [(x: Double, y: Double, category: Int)]

    func svg() -> String {
        let c = Markup.coordinate
        var frame = frame
        frame.right = 150
        let xs = points.map(\.x).filter(\.isFinite), ys = points.map(\.y).filter(\.isFinite)
        let xScale = NiceScale(xs.min() ?? -1, xs.max() ?? 1, ticks: 6)
        let yScale = NiceScale(ys.min() ?? -1, ys.max() ?? 1, ticks: 6)
        let xMap = LinearMap(from: (xScale.lower, xScale.upper), to: (frame.plotLeft, frame.plotRight))
        let yMap = LinearMap(from: (yScale.lower, yScale.upper), to: (frame.plotBottom, frame.plotTop))
        var counts = [Int](repeating: 0, count: categories.count)
        for p in points { counts[p.category] += 1 }
        let description = zip(categories, counts).map { "\($0.name): \($1) items" }.joined(separator: "; ")
        var out = frame.open(description: description)
        out += frame.yAxis(yScale, yMap, label: yLabel)
        out += frame.xAxis(xScale, xMap, label: xLabel)
        // Larger groups first, so that small categories are drawn on top and stay visible.
        let order = categories.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        for k in order where counts[k] > 0 {
            out += "<g class=\"points\" data-category=\"\(Markup.escape(categories[k].name))\" fill=\"\(categories[k].colour)\" fill-opacity=\"0.8\">"
            for p in points where p.category == k && p.x.isFinite && p.y.isFinite {
                out += "<circle cx=\"\(c(xMap(p.x)))\" cy=\"\(c(yMap(p.y)))\" r=\"3\"/>"
            }
            out += "</g>"
        }
        let legend = zip(categories, counts).map { (name: "\($0.name) (\($1))", colour: $0.colour) }
        out += frame.legend(legend, x: frame.plotRight + 14, y: frame.plotTop + 6, line: false)
        return out + frame.close
    }
}
