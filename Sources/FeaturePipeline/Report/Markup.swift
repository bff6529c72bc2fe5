import Foundation

/// Escaping and number formatting for the report's HTML and SVG, locale-free so that equal runs
/// give equal bytes.
enum Markup {
    /// Text safe inside elements and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most one decimal ("12.5", "-3", "0").
    static func coordinate(_ x: Double) -> String {
        let tenths = (x * 10).rounded()
        if tenths == 0 { return "0" }
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }

    /// A value with `digits` decimals; non-finite values as "–".
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "–" }
        let text = String(format: "%.\(digits)f", x)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text  // no "-0.000"
    }

    /// A signed change with `digits` decimals ("+0.0171", "−0.0124").
    static func signed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "–" }
        let text = fixed(abs(x), digits)
        return Double(text) == 0 ? text : (x < 0 ? "−" : "+") + text
    }

    /// An axis tick label: as few decimals as the step needs.
    static func tick(_ x: Double, step: Double) -> String {
        let digits = max(0, min(6, Int((-log10(step)).rounded(.up))))
        return fixed(x, digits)
    }

    /// A count with thousands separators ("10 110").
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }  // narrow no-break space
            out.append(c)
        }
        return (n < 0 ? "−" : "") + out
    }
}

/// Axis ticks at "nice" steps (1, 2 or 5 × 10ⁿ) covering a range (Heckbert, Graphics Gems, 1990).
struct NiceScale {
    let lower: Double
    let upper: Double
    let step: Double

    /// `minimumStep` 1 keeps ticks on whole numbers (epochs).
    init(_ low: Double, _ high: Double, ticks: Int = 5, minimumStep: Double = 0) {
        var low = low, high = high
        if !(low.isFinite && high.isFinite) { low = 0; high = 1 }
        if low == high {  // a flat series: give it some room
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad; high += pad
        }
        let step = max(Self.nice((high - low) / Double(max(ticks - 1, 1))), minimumStep)
        self.step = step
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
    }

    var ticks: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...n).map { lower + Double($0) * step }
    }

    /// The nice number nearest `x`.
    static func nice(_ x: Double) -> Double {
        let exponent = floor(log10(x))
        let fraction = x / pow(10, exponent)
        return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * pow(10, exponent)
    }
}

/// Maps a data interval onto a pixel interval.
struct LinearMap {
    let from: (Double, Double)
    let to: (Double, Double)

    func callAsFunction(_ x: Double) -> Double {
        let span = from.1 - from.0
        return span == 0 ? (to.0 + to.1) / 2 : to.0 + (x - from.0) / span * (to.1 - to.0)
    }
}

/// Colours of the charts: the Okabe–Ito palette (distinguishable with colour-blindness), with
/// grey kept for "other" and missing values.
enum Palette {
    static let categorical = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#B8A200"]
    static let grey = "#999999"
    static let axis = "#555555"
    static let grid = "#e4e4e4"
}
