import TensorCore

/// Reads an option set from its YAML mapping through the set's key table. Every key goes through
/// the `MappingReader` reads, so problems keep their file:line, did-you-mean and hint, and each
/// value and doc line lands in the resolved spec and the generated reference.
final class OptionTableReader: OptionVisitor {
    /// Readers of the keys with their own YAML shape (`.custom` entries), by key name: each returns
    /// the value read, or nil to keep the default.
    typealias CustomReaders = [String: (MappingReader, OptionKeyInfo) -> Any?]

    private let r: MappingReader
    private let custom: CustomReaders
    var isReading: Bool { true }
    var visitsSavedOnlyKeys: Bool { false }

    private init(_ r: MappingReader, custom: CustomReaders) { self.r = r; self.custom = custom }

    /// Reads `table`'s keys from `r` into `options`; the values already there are the defaults.
    static func read<Options>(_ options: inout Options, _ table: OptionTable<Options>, from r: MappingReader,
                              custom: CustomReaders = [:]) {
        // This visitor reports problems to the reader and never throws.
        try! table.visit(&options, with: OptionTableReader(r, custom: custom))
    }

    func int(_ key: OptionKeyInfo, _ value: inout Int, range: ClosedRange<Int>) {
        value = r.int(key.name, default: value, range: range, doc: key.doc)
    }
    func optionalInt(_ key: OptionKeyInfo, _ value: inout Int?, range: ClosedRange<Int>) {
        value = r.optionalInt(key.name, range: range, doc: key.doc) ?? value
    }
    func double(_ key: OptionKeyInfo, _ value: inout Double, range: ClosedRange<Double>) {
        value = r.double(key.name, default: value, range: range, doc: key.doc)
    }
    func optionalDouble(_ key: OptionKeyInfo, _ value: inout Double?, range: ClosedRange<Double>) {
        value = r.optionalDouble(key.name, default: value, range: range, doc: key.doc)
    }
    func bool(_ key: OptionKeyInfo, _ value: inout Bool) {
        value = r.bool(key.name, default: value, doc: key.doc)
    }
    func string(_ key: OptionKeyInfo, _ value: inout String) {
        value = r.string(key.name, default: value, doc: key.doc) ?? value
    }
    func choice<E: OptionChoice>(_ key: OptionKeyInfo, _ value: inout E) {
        value = r.choice(key.name, default: value, doc: key.doc)
    }
    func intList(_ key: OptionKeyInfo, _ value: inout [Int], range: ClosedRange<Int>, count: ClosedRange<Int>,
                 check: OptionListCheck<Int>?) {
        accept(key, r.intList(key.name, default: value, range: range, count: count, doc: key.doc), into: &value, check)
    }
    func floatList(_ key: OptionKeyInfo, _ value: inout [Float], range: ClosedRange<Double>, count: ClosedRange<Int>) {
        value = r.doubleList(key.name, default: value.map(Double.init), range: range, count: count, doc: key.doc).map(Float.init)
    }
    func stringList(_ key: OptionKeyInfo, _ value: inout [String], count: ClosedRange<Int>, check: OptionListCheck<String>?) {
        accept(key, r.stringList(key.name, default: value, count: count, doc: key.doc), into: &value, check)
    }

    /// Keeps the default when the list's own check fails, reporting each problem at the key.
    private func accept<T>(_ key: OptionKeyInfo, _ list: [T], into value: inout [T], _ check: OptionListCheck<T>?) {
        let problems = check?(list) ?? []
        for p in problems { r.report(key.name, r.node(key.name), p.message, hint: p.hint) }
        if problems.isEmpty { value = list }
    }

    func section<Sub>(_ key: OptionKeyInfo, _ value: inout Sub, table: OptionTable<Sub>) {
        let child = r.section(key.name, doc: key.doc)
        Self.read(&value, table, from: child, custom: custom)
        child.finish()
    }

    /// Present (or documenting): the section's keys over `empty`; absent: the value stays nil.
    func optionalSection<Sub>(_ key: OptionKeyInfo, _ value: inout Sub?, empty: Sub, table: OptionTable<Sub>) {
        guard let child = r.optionalSection(key.name, doc: key.doc) else { return }
        var sub = value ?? empty
        Self.read(&sub, table, from: child, custom: custom)
        child.finish()
        if r.has(key.name) { value = sub }
    }

    func custom<T: Codable & Sendable>(_ key: OptionKeyInfo, _ value: inout T) {
        guard let read = custom[key.name] else { preconditionFailure("no reader for the custom key '\(key.name)'") }
        if let got = read(r, key) as? T { value = got }
    }
}
