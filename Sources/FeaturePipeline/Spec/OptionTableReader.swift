import TensorCore

/// Reads an option set from its YAML mapping through the set's key table. Every key goes through
/// the `MappingReader` reads, so problems keep their file:line, did-you-mean and hint, and each
/// value and doc line lands in the resolved spec and the generated reference.
final class OptionTableReader: OptionVisitor {
    /// Readers of the keys with their own YAML shape (`.custom` entries), by key name: each returns
    /// the value read, or nil to keep the default.
    typealias CustomReaders = [String: (MappingReader, OptionKeyInfo) -> Any?]

    private let base: MappingReader
    private let custom: CustomReaders
    /// Readers of the sections that keys placed elsewhere (`placed(at:)`) live in, by dotted path:
    /// those given, and nested ones opened here on first use (documented by `sectionDocs`).
    private var sections: [String: MappingReader]
    private let sectionDocs: [String: String]
    private var opened: [MappingReader] = []
    var isReading: Bool { true }
    var visitsSavedOnlyKeys: Bool { false }

    private init(_ r: MappingReader, custom: CustomReaders, sections: [String: MappingReader], sectionDocs: [String: String]) {
        (base, self.custom, self.sections, self.sectionDocs) = (r, custom, sections, sectionDocs)
    }

    /// Reads `table`'s keys from `r` into `options`; the values already there are the defaults.
    /// A key placed in another section is read from `sections` (by dotted path, e.g. "users").
    static func read<Options>(_ options: inout Options, _ table: OptionTable<Options>, from r: MappingReader,
                              custom: CustomReaders = [:], sections: [String: MappingReader] = [:],
                              sectionDocs: [String: String] = [:]) {
        let reader = OptionTableReader(r, custom: custom, sections: sections, sectionDocs: sectionDocs)
        // This visitor reports problems to the reader and never throws.
        try! table.visit(&options, with: reader)
        for section in reader.opened { section.finish() }
    }

    /// The reader holding `key`, and the key under its name there.
    private func place(_ key: OptionKeyInfo) -> (MappingReader, OptionKeyInfo) {
        guard key.yamlPath.count > 1 else { return (base, key) }
        var path = "", reader = base
        for part in key.yamlPath.dropLast() {
            path = path.isEmpty ? part : "\(path).\(part)"
            if let known = sections[path] { reader = known; continue }
            reader = reader.section(part, doc: sectionDocs[path] ?? "")
            sections[path] = reader
            opened.append(reader)
        }
        return (reader, key.named(key.yamlPath.last!))
    }

    func int(_ key: OptionKeyInfo, _ value: inout Int, range: ClosedRange<Int>) {
        let (r, key) = place(key)
        value = r.int(key.name, default: value, range: range, doc: key.doc)
    }
    func optionalInt(_ key: OptionKeyInfo, _ value: inout Int?, range: ClosedRange<Int>) {
        let (r, key) = place(key)
        value = r.optionalInt(key.name, range: range, doc: key.doc) ?? value
    }
    func double(_ key: OptionKeyInfo, _ value: inout Double, range: ClosedRange<Double>) {
        let (r, key) = place(key)
        value = r.double(key.name, default: value, range: range, doc: key.doc)
    }
    func optionalDouble(_ key: OptionKeyInfo, _ value: inout Double?, range: ClosedRange<Double>) {
        let (r, key) = place(key)
        value = r.optionalDouble(key.name, default: value, range: range, doc: key.doc)
    }
    func bool(_ key: OptionKeyInfo, _ value: inout Bool) {
        let (r, key) = place(key)
        value = r.bool(key.name, default: value, doc: key.doc)
    }
    func string(_ key: OptionKeyInfo, _ value: inout String) {
        let (r, key) = place(key)
        value = r.string(key.name, default: value, doc: key.doc) ?? value
    }
    func choice<E: OptionChoice>(_ key: OptionKeyInfo, _ value: inout E) {
        let (r, key) = place(key)
        value = r.choice(key.name, default: value, doc: key.doc)
    }
    func intList(_ key: OptionKeyInfo, _ value: inout [Int], range: ClosedRange<Int>, count: ClosedRange<Int>,
                 check: OptionListCheck<Int>?) {
        let (r, key) = place(key)
        accept(r, key, r.intList(key.name, default: value, range: range, count: count, doc: key.doc), into: &value, check)
    }
    func floatList(_ key: OptionKeyInfo, _ value: inout [Float], range: ClosedRange<Double>, count: ClosedRange<Int>) {
        let (r, key) = place(key)
        value = r.doubleList(key.name, default: value.map(Double.init), range: range, count: count, doc: key.doc).map(Float.init)
    }
    func stringList(_ key: OptionKeyInfo, _ value: inout [String], count: ClosedRange<Int>, check: OptionListCheck<String>?) {
        let (r, key) = place(key)
        accept(r, key, r.stringList(key.name, default: value, count: count, doc: key.doc), into: &value, check)
    }

    /// Keeps the default when the list's own check fails, reporting each problem at the key.
    private func accept<T>(_ r: MappingReader, _ key: OptionKeyInfo, _ list: [T], into value: inout [T], _ check: OptionListCheck<T>?) {
        let problems = check?(list) ?? []
        for p in problems { r.report(key.name, r.node(key.name), p.message, hint: p.hint) }
        if problems.isEmpty { value = list }
    }

    func section<Sub>(_ key: OptionKeyInfo, _ value: inout Sub, table: OptionTable<Sub>) {
        let child = base.section(key.name, doc: key.doc)
        Self.read(&value, table, from: child, custom: custom)
        child.finish()
    }

    /// Present (or documenting): the section's keys over `empty`; absent: the value stays nil.
    func optionalSection<Sub>(_ key: OptionKeyInfo, _ value: inout Sub?, empty: Sub, table: OptionTable<Sub>) {
        guard let child = base.optionalSection(key.name, doc: key.doc) else { return }
        var sub = value ?? empty
        Self.read(&sub, table, from: child, custom: custom)
        child.finish()
        if base.has(key.name) { value = sub }
    }

    func custom<T: Codable & Sendable>(_ key: OptionKeyInfo, _ value: inout T) {
        let (r, key) = place(key)
        guard let read = custom[key.name] else { preconditionFailure("no reader for the custom key '\(key.name)'") }
        if let got = read(r, key) as? T { value = got }
    }
}
