import Foundation
import Yams

/// Shared state of one read of a pipeline file: the problems found, and (in documenting mode)
/// the reference of every key.
final class SpecDiagnostics {
    let file: String
    var issues: [SpecIssue] = []
    /// When true, optional sections and list templates are visited even when absent, so that every
    /// key's documentation is collected.
    let documenting: Bool
    var reference: [SpecKeyReference] = []

    init(file: String, documenting: Bool = false) {
        self.file = file
        self.documenting = documenting
    }

    func report(_ mark: Mark?, _ path: String, _ message: String, hint: String? = nil) {
        issues.append(SpecIssue(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                keyPath: path, message: message, hint: hint))
    }
}

/// One key of the pipeline file, for the generated reference in docs/pipeline-spec.md.
public struct SpecKeyReference: Sendable, Equatable {
    public var path: String
    public var type: String
    public var defaultValue: String
    public var doc: String
}

/// Reads one YAML mapping into typed values with defaults, range checks and line-accurate
/// problems; remembers each resolved value so the whole spec can be printed with defaults filled
/// in. Every `read` records its key as known; `finish()` reports the keys nobody asked for.
final class MappingReader {
    let path: String
    let diag: SpecDiagnostics
    private let mark: Mark?
    private var pairs: [(key: String, keyMark: Mark?, value: Node)] = []
    private var known: [String] = []
    private(set) var resolved: [(key: String, value: Resolved)] = []

    indirect enum Resolved {
        case scalar(String)
        case string(String)
        case list([Resolved])
        case mapping(MappingReader)
        case null
        /// A prepared node (for values with their own structure).
        case node(Node)
    }

    /// `fallbackMark` locates problems of an absent mapping (its parent's position).
    init(node: Node?, path: String, diag: SpecDiagnostics, fallbackMark: Mark? = nil) {
        self.path = path
        self.diag = diag
        self.mark = node?.mark ?? fallbackMark
        switch node {
        case .mapping(let m)?:
            var seen = Set<String>()
            for (k, v) in m {
                let key = k.string ?? ""
                if !seen.insert(key).inserted {
                    diag.report(k.mark, join(key), "key '\(key)' appears twice", hint: "keep one of them")
                }
                pairs.append((key, k.mark, v))
            }
        case nil:
            break
        case .scalar(let s)? where s.style == .plain && ["", "~", "null"].contains(s.string):
            break
        case .some(let other):
            let looksTabular: Bool
            if case .scalar(let s) = other, path.isEmpty {
                // YAML folds a plain multi-line scalar into one line: commas or tabs give a table away.
                looksTabular = s.string.filter { $0 == "," || $0 == "\t" }.count >= 2
            } else {
                looksTabular = false
            }
            diag.report(other.mark, path, "expected a mapping of keys, found \(describe(other))",
                        hint: looksTabular
                            ? "this looks like a CSV or TSV table, not a pipeline file; name the table under data.items.path or data.interactions.path"
                            : "write `key: value` pairs indented under it")
        }
    }

    var markOfSelf: Mark? { mark }

    func join(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The node of `key`, or nil when absent or null; records `key` as known.
    func node(_ key: String) -> Node? {
        if !known.contains(key) { known.append(key) }
        guard let pair = pairs.last(where: { $0.key == key }) else { return nil }
        if case .scalar(let s) = pair.value, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) {
            return nil
        }
        return pair.value
    }

    func has(_ key: String) -> Bool { node(key) != nil }

    /// Whether the file writes `key: null` (as opposed to leaving the key out).
    func isExplicitNull(_ key: String) -> Bool {
        guard pairs.contains(where: { $0.key == key }) else { return false }
        return node(key) == nil
    }

    /// Records documentation and the resolved value of `key`.
    func record(_ key: String, _ value: Resolved, type: String, doc: String, defaultText: String) {
        resolved.removeAll { $0.key == key }
        resolved.append((key, value))
        if diag.documenting, !diag.reference.contains(where: { $0.path == join(key) }) {
            diag.reference.append(SpecKeyReference(path: join(key), type: type, defaultValue: defaultText, doc: doc))
        }
    }

    /// Reports keys present in the file that no reader asked for, suggesting the nearest known key.
    func finish() {
        for pair in pairs where !known.contains(pair.key) {
            let suggestion = nearestKey(to: pair.key, among: known)
            diag.report(
                pair.keyMark, join(pair.key), "unknown key '\(pair.key)'",
                hint: suggestion.map { "did you mean '\($0)'?" }
                    ?? "valid keys here: \(known.joined(separator: ", "))")
        }
    }

    func report(_ key: String, _ node: Node?, _ message: String, hint: String? = nil) {
        diag.report(node?.mark ?? mark, join(key), message, hint: hint)
    }

    /// Reports a missing required key at this mapping.
    func reportMissing(_ key: String, hint: String) {
        diag.report(mark, join(key), "missing required key '\(key)'", hint: hint)
    }
}

/// A short human description of a node, for messages.
func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let s):
        // A whole CSV file read as YAML is one long scalar: show its start only.
        let text = s.string.split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.count > 60 ? "'\(text.prefix(60))…' (\(s.string.count) characters)" : "'\(text)'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
}

extension MappingReader.Resolved {
    /// The YAML node for printing; plain scalars stay plain, strings that YAML would read as
    /// something else are quoted.
    func yamlNode() -> Node {
        switch self {
        case .scalar(let s): return Node(s)
        case .string(let s):
            let ambiguous = s.isEmpty || Double(s) != nil || ["true", "false", "null", "~", "yes", "no"].contains(s.lowercased())
                || s.contains(": ") || s.hasPrefix("{") || s.hasPrefix("[") || s.contains("#")
            return Node(s, .implicit, ambiguous ? .doubleQuoted : .plain)
        case .list(let items): return Node(items.map { $0.yamlNode() }, .implicit, items.allSatisfy { if case .mapping = $0 { return false } else { return true } } ? .flow : .block)
        case .mapping(let reader): return reader.yamlNode()
        case .null: return Node("null")
        case .node(let node): return node
        }
    }
}

extension MappingReader {
    func yamlNode() -> Node {
        Node(resolved.map { (Node($0.key), $0.value.yamlNode()) })
    }
}
