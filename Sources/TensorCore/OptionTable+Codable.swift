/// An option set whose Codable conformance is its key table: a missing key keeps its default, an
/// unknown key is an error naming it.
public protocol KeyedOptions: Codable, Sendable {
    static var keys: OptionTable<Self> { get }
    /// Every key at its default.
    init()
}

extension KeyedOptions {
    public init(from decoder: any Decoder) throws {
        self.init()
        try Self.keys.decode(into: &self, from: decoder)
    }

    public func encode(to encoder: any Encoder) throws { try Self.keys.encode(self, to: encoder) }
}

/// JSON (and any Codable format) through the key table: what models save and `predict` reads back.
extension OptionTable {
    /// Sets each key present in `decoder`'s mapping; absent keys keep the value in `options`.
    /// Throws on a key the table does not list, naming it and the valid keys.
    public func decode(into options: inout Options, from decoder: any Decoder) throws {
        try OptionCodingKey.rejectUnknownKeys(decoder, known: names)
        try visit(&options, with: OptionDecoder(try decoder.container(keyedBy: OptionCodingKey.self)))
    }

    public func encode(_ options: Options, to encoder: any Encoder) throws {
        var copy = options
        try visit(&copy, with: OptionEncoder(encoder.container(keyedBy: OptionCodingKey.self), writesNull: writesNull))
    }
}

/// Any string key.
public struct OptionCodingKey: CodingKey {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }

    /// Throws when the mapping being decoded holds a key outside `known`, naming it and the valid keys.
    public static func rejectUnknownKeys(_ decoder: any Decoder, known: [String]) throws {
        let c = try decoder.container(keyedBy: OptionCodingKey.self)
        for key in c.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c,
                debugDescription: "unknown key '\(key.stringValue)' (valid keys: \(known.sorted().joined(separator: ", ")))")
        }
    }
}

private final class OptionDecoder: OptionVisitor {
    let c: KeyedDecodingContainer<OptionCodingKey>
    var isReading: Bool { true }
    var visitsSavedOnlyKeys: Bool { true }

    init(_ c: KeyedDecodingContainer<OptionCodingKey>) { self.c = c }

    private func decode<T: Decodable>(_ key: OptionKeyInfo, _ value: inout T) throws {
        if let v = try c.decodeIfPresent(T.self, forKey: OptionCodingKey(stringValue: key.name)) { value = v }
    }

    /// A key written as `null` sets nil; an absent key keeps the default.
    private func decodeOptional<T: Decodable>(_ key: OptionKeyInfo, _ value: inout T?) throws {
        let k = OptionCodingKey(stringValue: key.name)
        if c.contains(k) { value = try c.decodeIfPresent(T.self, forKey: k) }
    }

    private func checked<T: Decodable>(_ key: OptionKeyInfo, _ value: inout [T], count: ClosedRange<Int>,
                                       check: OptionListCheck<T>?) throws {
        let k = OptionCodingKey(stringValue: key.name)
        guard let list = try c.decodeIfPresent([T].self, forKey: k) else { return }
        let problems = (count.contains(list.count) ? [] : [OptionProblem("has \(list.count) entries", hint: "expected \(OptionText.count(count)) entries")])
            + (check?(list) ?? [])
        if let first = problems.first {
            throw DecodingError.dataCorruptedError(forKey: k, in: c, debugDescription: "\(first.message) (\(first.hint))")
        }
        value = list
    }

    func int(_ key: OptionKeyInfo, _ value: inout Int, range: ClosedRange<Int>) throws { try decode(key, &value) }
    func optionalInt(_ key: OptionKeyInfo, _ value: inout Int?, range: ClosedRange<Int>) throws { try decodeOptional(key, &value) }
    func double(_ key: OptionKeyInfo, _ value: inout Double, range: ClosedRange<Double>) throws { try decode(key, &value) }
    func optionalDouble(_ key: OptionKeyInfo, _ value: inout Double?, range: ClosedRange<Double>) throws {
        try decodeOptional(key, &value)
    }
    func bool(_ key: OptionKeyInfo, _ value: inout Bool) throws { try decode(key, &value) }
    func string(_ key: OptionKeyInfo, _ value: inout String) throws { try decode(key, &value) }
    func choice<E: OptionChoice>(_ key: OptionKeyInfo, _ value: inout E) throws { try decode(key, &value) }
    func intList(_ key: OptionKeyInfo, _ value: inout [Int], range: ClosedRange<Int>, count: ClosedRange<Int>,
                 check: OptionListCheck<Int>?) throws {
        try checked(key, &value, count: count, check: check)
    }
    func floatList(_ key: OptionKeyInfo, _ value: inout [Float], range: ClosedRange<Double>, count: ClosedRange<Int>) throws {
        try checked(key, &value, count: count, check: nil)
    }
    func stringList(_ key: OptionKeyInfo, _ value: inout [String], count: ClosedRange<Int>, check: OptionListCheck<String>?) throws {
        try checked(key, &value, count: count, check: check)
    }

    /// The section's keys override the values already set (a preset's, in audio's `db`).
    func section<Sub>(_ key: OptionKeyInfo, _ value: inout Sub, table: OptionTable<Sub>) throws {
        let k = OptionCodingKey(stringValue: key.name)
        guard c.contains(k), try !c.decodeNil(forKey: k) else { return }
        try table.decode(into: &value, from: c.superDecoder(forKey: k))
    }

    func optionalSection<Sub>(_ key: OptionKeyInfo, _ value: inout Sub?, empty: Sub, table: OptionTable<Sub>) throws {
        let k = OptionCodingKey(stringValue: key.name)
        guard c.contains(k) else { return }
        if try c.decodeNil(forKey: k) { value = nil; return }
        var sub = value ?? empty
        try table.decode(into: &sub, from: c.superDecoder(forKey: k))
        value = sub
    }

    func custom<T: Codable & Sendable>(_ key: OptionKeyInfo, _ value: inout T) throws { try decode(key, &value) }
}

private final class OptionEncoder: OptionVisitor {
    var c: KeyedEncodingContainer<OptionCodingKey>
    let writesNull: Bool
    var isReading: Bool { false }
    var visitsSavedOnlyKeys: Bool { true }

    init(_ c: KeyedEncodingContainer<OptionCodingKey>, writesNull: Bool) { self.c = c; self.writesNull = writesNull }

    private func encode<T: Encodable>(_ key: OptionKeyInfo, _ value: T?) throws {
        let k = OptionCodingKey(stringValue: key.name)
        if let value { try c.encode(value, forKey: k) } else if writesNull { try c.encodeNil(forKey: k) }
    }

    func int(_ key: OptionKeyInfo, _ value: inout Int, range: ClosedRange<Int>) throws { try encode(key, value) }
    func optionalInt(_ key: OptionKeyInfo, _ value: inout Int?, range: ClosedRange<Int>) throws { try encode(key, value) }
    func double(_ key: OptionKeyInfo, _ value: inout Double, range: ClosedRange<Double>) throws { try encode(key, value) }
    func optionalDouble(_ key: OptionKeyInfo, _ value: inout Double?, range: ClosedRange<Double>) throws { try encode(key, value) }
    func bool(_ key: OptionKeyInfo, _ value: inout Bool) throws { try encode(key, value) }
    func string(_ key: OptionKeyInfo, _ value: inout String) throws { try encode(key, value) }
    func choice<E: OptionChoice>(_ key: OptionKeyInfo, _ value: inout E) throws { try encode(key, value) }
    func intList(_ key: OptionKeyInfo, _ value: inout [Int], range: ClosedRange<Int>, count: ClosedRange<Int>,
                 check: OptionListCheck<Int>?) throws {
        try encode(key, value)
    }
    func floatList(_ key: OptionKeyInfo, _ value: inout [Float], range: ClosedRange<Double>, count: ClosedRange<Int>) throws {
        try encode(key, value)
    }
    func stringList(_ key: OptionKeyInfo, _ value: inout [String], count: ClosedRange<Int>, check: OptionListCheck<String>?) throws {
        try encode(key, value)
    }
    func section<Sub>(_ key: OptionKeyInfo, _ value: inout Sub, table: OptionTable<Sub>) throws {
        try table.encode(value, to: c.superEncoder(forKey: OptionCodingKey(stringValue: key.name)))
    }
    func optionalSection<Sub>(_ key: OptionKeyInfo, _ value: inout Sub?, empty: Sub, table: OptionTable<Sub>) throws {
        let k = OptionCodingKey(stringValue: key.name)
        if let value { try table.encode(value, to: c.superEncoder(forKey: k)) } else if writesNull { try c.encodeNil(forKey: k) }
    }
    func custom<T: Codable & Sendable>(_ key: OptionKeyInfo, _ value: inout T) throws { try encode(key, value) }
}
