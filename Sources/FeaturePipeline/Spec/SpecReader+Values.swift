import Foundation
import TensorCore
import Yams

/// Typed reads: each takes the key, its default, its allowed values and one line of documentation.
extension MappingReader {
    // MARK: Scalars

    func int(_ key: String, default def: Int, range: ClosedRange<Int>, doc: String) -> Int {
        let value = scalar(key, default: def, type: "integer", allowed: rangeText(range), doc: doc) { s in
            Int(s).flatMap { range.contains($0) ? $0 : nil }
        } typeCheck: { Int($0) != nil }
        record(key, .scalar(String(value)), type: "integer", doc: doc + " (\(rangeText(range)))", defaultText: String(def))
        return value
    }

    func double(_ key: String, default def: Double, range: ClosedRange<Double>, doc: String) -> Double {
        let value = scalar(key, default: def, type: "number", allowed: rangeText(range), doc: doc) { s in
            Double(s).flatMap { range.contains($0) ? $0 : nil }
        } typeCheck: { Double($0) != nil }
        record(key, .scalar(format(value)), type: "number", doc: doc + " (\(rangeText(range)))", defaultText: format(def))
        return value
    }

    /// A number that may be switched off: absent → `def`, `null` → nil.
    func optionalDouble(_ key: String, default def: Double?, range: ClosedRange<Double>, doc: String) -> Double? {
        // A doc line that already says what null means is not told twice.
        let nullDoc = doc.contains("null:") ? "" : "; null: none"
        if isExplicitNull(key) {
            record(key, .null, type: "number or null", doc: doc + " (\(rangeText(range))\(nullDoc))", defaultText: def.map(format) ?? "null")
            return nil
        }
        let value = def.map { d in double(key, default: d, range: range, doc: doc + nullDoc) }
            ?? (has(key) ? double(key, default: range.lowerBound, range: range, doc: doc + nullDoc) : nil)
        if value == nil { record(key, .null, type: "number or null", doc: doc + " (\(rangeText(range))\(nullDoc))", defaultText: "null") }
        return value
    }

    /// An integer that may be absent: absent or `null` → nil.
    func optionalInt(_ key: String, range: ClosedRange<Int>, doc: String) -> Int? {
        guard has(key) else {
            record(key, .null, type: "integer or null", doc: doc + " (\(rangeText(range)))", defaultText: "null")
            return nil
        }
        return int(key, default: range.lowerBound, range: range, doc: doc)
    }

    func bool(_ key: String, default def: Bool, doc: String) -> Bool {
        let value = scalar(key, default: def, type: "true or false", allowed: "true or false", doc: doc) { s in
            parseBool(s)
        } typeCheck: { parseBool($0) != nil }
        record(key, .scalar(String(value)), type: "boolean", doc: doc, defaultText: String(def))
        return value
    }

    /// A free-form string; `nil` default means optional.
    func string(_ key: String, default def: String?, doc: String) -> String? {
        var value = def
        if let n = node(key) {
            if case .scalar(let s) = n { value = s.string } else {
                report(key, n, "expected a text value, found \(describe(n))")
            }
        }
        record(key, value.map { .string($0) } ?? .null, type: "string", doc: doc, defaultText: def.map { "`\($0)`" } ?? "none")
        return value
    }

    /// A required string: missing is reported at the enclosing mapping.
    func requiredString(_ key: String, doc: String, hint: String) -> String {
        if !has(key), !diag.documenting { reportMissing(key, hint: hint) }
        return string(key, default: nil, doc: doc + " Required.") ?? ""
    }

    /// One of an enum's raw values; an unknown value names the allowed ones and the nearest.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, default def: E, doc: String) -> E
    where E.RawValue == String {
        let allowed = E.allCases.map(\.rawValue)
        var value = def
        if let n = node(key) {
            if case .scalar(let s) = n, let v = E(rawValue: s.string) {
                value = v
            } else {
                let found = describe(n)
                let near: String? = { if case .scalar(let s) = n { return nearestKey(to: s.string, among: allowed) } else { return nil } }()
                report(key, n, "\(found) is not one of \(allowed.joined(separator: ", "))",
                       hint: near.map { "did you mean '\($0)'?" } ?? "use one of \(allowed.joined(separator: ", "))")
            }
        }
        record(key, .scalar(value.rawValue), type: allowed.joined(separator: " \\| "), doc: doc, defaultText: "`\(def.rawValue)`")
        return value
    }

    // MARK: Lists of scalars (a single scalar is accepted as a one-element list)

    func intList(_ key: String, default def: [Int], range: ClosedRange<Int>, count: ClosedRange<Int>, doc: String) -> [Int] {
        let value = list(key, default: def, type: "integers", allowed: rangeText(range), count: count) { s in
            Int(s).flatMap { range.contains($0) ? $0 : nil }
        }
        record(key, .list(value.map { .scalar(String($0)) }), type: "list of integers",
               doc: doc + " (each \(rangeText(range)))", defaultText: "`\(def)`")
        return value
    }

    func doubleList(_ key: String, default def: [Double], range: ClosedRange<Double>, count: ClosedRange<Int>, doc: String) -> [Double] {
        let value = list(key, default: def, type: "numbers", allowed: rangeText(range), count: count) { s in
            Double(s).flatMap { range.contains($0) ? $0 : nil }
        }
        record(key, .list(value.map { .scalar(format($0)) }), type: "list of numbers",
               doc: doc + " (each \(rangeText(range)))", defaultText: "`[\(def.map(format).joined(separator: ", "))]`")
        return value
    }

    func stringList(_ key: String, default def: [String], allowed: [String]? = nil, count: ClosedRange<Int> = 0...10_000, doc: String) -> [String] {
        let value = list(key, default: def, type: "text values", allowed: allowed?.joined(separator: ", ") ?? "any text", count: count) { s in
            allowed == nil || allowed!.contains(s) ? s : nil
        }
        record(key, .list(value.map { .string($0) }), type: allowed.map { "list of " + $0.joined(separator: " \\| ") } ?? "list of strings",
               doc: doc, defaultText: "`[\(def.joined(separator: ", "))]`")
        return value
    }

    // MARK: Nested mappings

    /// A nested mapping that always exists (absent means every default).
    func section(_ key: String, doc: String) -> MappingReader {
        let child = MappingReader(node: node(key), path: join(key), diag: diag, fallbackMark: markOfSelf)
        record(key, .mapping(child), type: "mapping", doc: doc, defaultText: "")
        return child
    }

    /// A nested mapping that may be absent or null (the feature is then off). In documenting mode
    /// an empty reader is returned so that every key of the section is documented.
    func optionalSection(_ key: String, doc: String) -> MappingReader? {
        let n = node(key)
        guard n != nil || diag.documenting else {
            record(key, .null, type: "mapping", doc: doc, defaultText: "off")
            return nil
        }
        return section(key, doc: doc)
    }

    /// A list of mappings, e.g. convolution layers. `nil` when absent (caller's default applies).
    func sectionList(_ key: String, doc: String) -> [MappingReader]? {
        let n = node(key)
        if diag.documenting, n == nil {
            let template = MappingReader(node: nil, path: "\(join(key))[]", diag: diag)
            record(key, .list([.mapping(template)]), type: "list of mappings", doc: doc, defaultText: "")
            return [template]
        }
        guard let n else { return nil }
        guard case .sequence(let seq) = n else {
            report(key, n, "expected a list, found \(describe(n))", hint: "write one `- key: value` entry per item")
            return []
        }
        let readers = seq.enumerated().map { MappingReader(node: $1, path: "\(join(key))[\($0)]", diag: diag) }
        record(key, .list(readers.map { .mapping($0) }), type: "list of mappings", doc: doc, defaultText: "")
        return readers
    }

    /// Raw list entries (scalars or mappings), for keys that accept both forms.
    func entries(_ key: String) -> [(index: Int, node: Node)]? {
        guard let n = node(key) else { return nil }
        if case .sequence(let seq) = n { return seq.enumerated().map { ($0, $1) } }
        return [(0, n)]
    }

    // MARK: Helpers

    private func scalar<T>(
        _ key: String, default def: T, type: String, allowed: String, doc: String,
        parse: (String) -> T?, typeCheck: (String) -> Bool
    ) -> T {
        guard let n = node(key) else { return def }
        guard case .scalar(let s) = n else {
            report(key, n, "expected \(article(type)), found \(describe(n))", hint: "allowed: \(allowed)")
            return def
        }
        if let v = parse(s.string) { return v }
        if typeCheck(s.string) {
            report(key, n, "\(s.string) is out of range", hint: "allowed: \(allowed)")
        } else {
            report(key, n, "expected \(article(type)), found '\(s.string)'", hint: "allowed: \(allowed)")
        }
        return def
    }

    private func list<T>(
        _ key: String, default def: [T], type: String, allowed: String, count: ClosedRange<Int>,
        parse: (String) -> T?
    ) -> [T] {
        guard let items = entries(key), let listNode = node(key) else { return def }
        var out: [T] = []
        var ok = true
        for (i, item) in items {
            guard case .scalar(let s) = item, let v = parse(s.string) else {
                report("\(key)[\(i)]", item, "\(describe(item)) is not allowed here", hint: "expected \(type): \(allowed)")
                ok = false
                continue
            }
            out.append(v)
        }
        guard ok else { return def }
        if !count.contains(out.count) {
            report(key, listNode, "has \(out.count) entries", hint: "expected \(countText(count)) entries")
            return def
        }
        return out
    }
}

func parseBool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: return nil
    }
}

// The spellings of ranges, lengths and numbers are shared with the option tables' messages.
func rangeText<T: Comparable>(_ r: ClosedRange<T>) -> String { OptionText.range(r) }
func countText(_ r: ClosedRange<Int>) -> String { OptionText.count(r) }
func format(_ d: Double) -> String { OptionText.number(d) }

private func article(_ type: String) -> String {
    ["a", "e", "i", "o", "u"].contains(type.prefix(1)) ? "an \(type)" : "a \(type)"
}
