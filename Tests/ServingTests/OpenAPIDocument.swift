import Foundation
import TestSupport
import Yams

/// docs/openapi.yaml, read for the conformance tests, with a checker for the part of JSON
/// Schema it uses: $ref, type, properties, required, additionalProperties, items, enum,
/// minimum, maximum, maxItems.
struct OpenAPIDocument {
    let root: JSONValue

    static func load() throws -> OpenAPIDocument {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        return OpenAPIDocument(root: try YAMLDecoder().decode(JSONValue.self, from: text))
    }

    struct Operation {
        var method: String
        var path: String
        var value: JSONValue

        /// The example request body (nil for an operation without a body).
        var example: JSONValue? { value["requestBody"]?["content"]?["application/json"]?["example"] }
        var requestSchema: JSONValue? { value["requestBody"]?["content"]?["application/json"]?["schema"] }
    }

    /// Every operation, as "GET /health/live" sorted by path then method.
    var operations: [Operation] {
        guard case .object(let paths)? = root["paths"] else { return [] }
        return paths.keys.sorted().flatMap { path -> [Operation] in
            guard case .object(let methods)? = paths[path] else { return [] }
            return methods.keys.sorted().map { Operation(method: $0.uppercased(), path: path, value: methods[$0]!) }
        }
    }

    /// The media type and schema of the answer with `status`, nil when the operation does not list it.
    func response(_ operation: Operation, status: Int) -> (mediaType: String, schema: JSONValue)? {
        guard var response = operation.value["responses"]?["\(status)"] else { return nil }
        if let ref = response["$ref"], let resolved = resolve(ref) { response = resolved }
        guard case .object(let content)? = response["content"], let (type, media) = content.first,
              let schema = media["schema"] else { return nil }
        return (type, schema)
    }

    /// Where `value` breaks `schema` (empty when it conforms), each as "path: what".
    func violations(of value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        if let ref = schema["$ref"] {
            guard let resolved = resolve(ref) else { return ["\(path): unresolved \(ref)"] }
            return violations(of: value, against: resolved, at: path)
        }
        var found: [String] = []
        if case .string(let type)? = schema["type"], !value.hasType(type) {
            return ["\(path): \(value) is not of type \(type)"]
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) { found.append("\(path): \(value) is not one of \(allowed)") }
        if case .number(let n) = value {
            if case .number(let low)? = schema["minimum"], n < low { found.append("\(path): \(n) is below \(low)") }
            if case .number(let high)? = schema["maximum"], n > high { found.append("\(path): \(n) is above \(high)") }
        }
        if case .array(let elements) = value {
            if case .number(let most)? = schema["maxItems"], Double(elements.count) > most { found.append("\(path): more than \(most) items") }
            if let items = schema["items"] {
                for (i, element) in elements.enumerated() { found += violations(of: element, against: items, at: "\(path)[\(i)]") }
            }
        }
        if case .object(let members) = value { found += objectViolations(members, schema: schema, at: path) }
        return found
    }

    private func objectViolations(_ members: [String: JSONValue], schema: JSONValue, at path: String) -> [String] {
        var found: [String] = []
        if case .array(let required)? = schema["required"] {
            for case .string(let key) in required where members[key] == nil { found.append("\(path): missing \(key)") }
        }
        let properties: [String: JSONValue]
        if case .object(let listed)? = schema["properties"] { properties = listed } else { properties = [:] }
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            if let property = properties[key] {
                found += violations(of: member, against: property, at: "\(path).\(key)")
            } else if case .bool(false)? = schema["additionalProperties"] {
                found.append("\(path): \(key) is not in the schema")
            } else if let extra = schema["additionalProperties"], case .object = extra {
                found += violations(of: member, against: extra, at: "\(path).\(key)")
            }
        }
        return found
    }

    /// "#/components/schemas/X" → that node.
    private func resolve(_ ref: JSONValue) -> JSONValue? {
        guard case .string(let pointer) = ref, pointer.hasPrefix("#/") else { return nil }
        return pointer.dropFirst(2).split(separator: "/").reduce(Optional(root)) { node, key in node?[String(key)] }
    }
}

/// A JSON (or YAML) value, compared and printed as such.
indirect enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    func hasType(_ type: String) -> Bool {
        switch (type, self) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number):
            return true
        case ("integer", .number(let n)):
            return n == n.rounded()
        default:
            return false
        }
    }

    /// The value as JSON text (a request body).
    var data: Data { Data(description.utf8) }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? "\(Int(n))" : "\(n)"
        case .string(let s): return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
        case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { JSONValue.string($0).description + ":" + o[$0]!.description }.joined(separator: ",") + "}"
        }
    }
}
