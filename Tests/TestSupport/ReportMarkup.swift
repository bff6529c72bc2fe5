import Foundation

/// Reads the elements of the report's generated HTML/SVG, for tests that check its structure
/// (a scanner for the markup the report writes, not a general HTML parser).
public enum ReportMarkup {
    /// Attributes of every `<tag …>` in `text`, in document order.
    public static func elements(_ tag: String, in text: String) -> [[String: String]] {
        var found: [[String: String]] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<\(tag)") {
            let after = rest[open.upperBound...]
            guard let first = after.first, first == " " || first == ">" || first == "/" else {
                rest = after
                continue
            }
            let end = after.firstIndex(of: ">") ?? after.endIndex
            found.append(attributes(after[..<end]))
            rest = after[end...]
        }
        return found
    }

    /// The markup of the `<svg … data-chart="id">` element, up to its `</svg>`.
    public static func chart(_ id: String, in text: String) -> String? {
        guard let start = text.range(of: "data-chart=\"\(id)\"") else { return nil }
        let open = text[..<start.lowerBound].range(of: "<svg", options: .backwards)!.lowerBound
        guard let close = text[start.upperBound...].range(of: "</svg>") else { return nil }
        return String(text[open..<close.upperBound])
    }

    /// The (x, y) pairs of a `points="x,y x,y …"` attribute.
    public static func points(_ attribute: String?) -> [(Double, Double)] {
        (attribute ?? "").split(separator: " ").compactMap { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return xy.count == 2 ? (xy[0], xy[1]) : nil
        }
    }

    static func attributes(_ text: Substring) -> [String: String] {
        var out: [String: String] = [:]
        var rest = text
        while let eq = rest.range(of: "=\"") {
            let name = rest[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            let valueStart = eq.upperBound
            let valueEnd = rest[valueStart...].firstIndex(of: "\"") ?? rest.endIndex
            out[name] = String(rest[valueStart..<valueEnd])
            rest = valueEnd < rest.endIndex ? rest[rest.index(after: valueEnd)...] : rest[valueEnd...]
        }
        return out
    }
}
