/// One key of an option set: its spelling in YAML and JSON, its documentation, and where its value
/// lives in the options struct.
///
/// An option set lists its keys once, in an `OptionTable`; reading the pipeline file, JSON
/// encoding and decoding, range validation, defaults (the struct's initial values) and the
/// generated reference all walk that table with an `OptionVisitor`.
public struct OptionKey<Options>: Sendable {
    public private(set) var info: OptionKeyInfo
    private let body: @Sendable (inout Options, any OptionVisitor, OptionKeyInfo) throws -> Void

    init(_ name: String, doc: String, inPipelineFile: Bool = true,
         visit: @escaping @Sendable (inout Options, any OptionVisitor, OptionKeyInfo) throws -> Void) {
        info = OptionKeyInfo(name: name, doc: doc, inPipelineFile: inPipelineFile)
        body = visit
    }

    func visit(_ options: inout Options, _ visitor: any OptionVisitor) throws { try body(&options, visitor, info) }

    /// The key as the pipeline file places it when that differs from its saved name: a path of
    /// sections and the key (`"users", "history", "pooling"` for the saved `history_pooling`).
    public func placed(at yamlPath: String...) -> OptionKey {
        var copy = self
        copy.info.yamlPath = yamlPath
        return copy
    }
}

/// What every visitor needs to know about a key besides its value.
public struct OptionKeyInfo: Sendable {
    /// The snake_case key of YAML and JSON.
    public let name: String
    /// One line for the reference (ranges and defaults are added by the reader).
    public let doc: String
    /// False for keys saved with a model but not written in the pipeline file.
    public let inPipelineFile: Bool
    /// Where the pipeline file holds the key: sections, then its name there (default: `[name]`).
    public internal(set) var yamlPath: [String]

    init(name: String, doc: String, inPipelineFile: Bool) {
        (self.name, self.doc, self.inPipelineFile, yamlPath) = (name, doc, inPipelineFile, [name])
    }

    /// The same key under another name (a visitor that reads it from a section of its own).
    public func named(_ name: String) -> OptionKeyInfo {
        var copy = OptionKeyInfo(name: name, doc: doc, inPipelineFile: inPipelineFile)
        copy.yamlPath = [name]
        return copy
    }
}

/// A problem a key's own value check found: the message and how to fix it.
public struct OptionProblem: Sendable, Equatable {
    public var message: String
    public var hint: String
    public init(_ message: String, hint: String) { self.message = message; self.hint = hint }
}

/// A check of a whole list value beyond its element range and length (e.g. `min ≤ max`).
public typealias OptionListCheck<Element> = @Sendable ([Element]) -> [OptionProblem]

/// An enum chosen by name in YAML and JSON (its raw values are the allowed names).
public protocol OptionChoice: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

/// Reads or writes an option set key by key. Each method gets the key and the value stored in the
/// options (the default, before a read), and may replace it.
public protocol OptionVisitor: AnyObject {
    /// True for visitors that fill the options in (YAML, JSON decoding); the keys' `then` hooks run
    /// only for them.
    var isReading: Bool { get }
    /// False for the pipeline file's reader: keys saved only with models are skipped.
    var visitsSavedOnlyKeys: Bool { get }
    func int(_ key: OptionKeyInfo, _ value: inout Int, range: ClosedRange<Int>) throws
    /// Absent or null means nil.
    func optionalInt(_ key: OptionKeyInfo, _ value: inout Int?, range: ClosedRange<Int>) throws
    func double(_ key: OptionKeyInfo, _ value: inout Double, range: ClosedRange<Double>) throws
    /// Absent keeps the default, null means nil.
    func optionalDouble(_ key: OptionKeyInfo, _ value: inout Double?, range: ClosedRange<Double>) throws
    func bool(_ key: OptionKeyInfo, _ value: inout Bool) throws
    func string(_ key: OptionKeyInfo, _ value: inout String) throws
    func choice<E: OptionChoice>(_ key: OptionKeyInfo, _ value: inout E) throws
    func intList(_ key: OptionKeyInfo, _ value: inout [Int], range: ClosedRange<Int>, count: ClosedRange<Int>,
                 check: OptionListCheck<Int>?) throws
    func floatList(_ key: OptionKeyInfo, _ value: inout [Float], range: ClosedRange<Double>, count: ClosedRange<Int>) throws
    func stringList(_ key: OptionKeyInfo, _ value: inout [String], count: ClosedRange<Int>, check: OptionListCheck<String>?) throws
    func section<Sub>(_ key: OptionKeyInfo, _ value: inout Sub, table: OptionTable<Sub>) throws
    /// A section that may be absent (the feature is off); `empty` holds its defaults.
    func optionalSection<Sub>(_ key: OptionKeyInfo, _ value: inout Sub?, empty: Sub, table: OptionTable<Sub>) throws
    /// A value with its own YAML shape: its Codable conformance writes it, its owner's spec reader reads it.
    func custom<T: Codable & Sendable>(_ key: OptionKeyInfo, _ value: inout T) throws
}

/// The keys of one option set, in the order the pipeline file and the reference list them.
public struct OptionTable<Options>: Sendable {
    public let keys: [OptionKey<Options>]
    /// Whether JSON spells an absent optional value as `null` (needed when nil is not the default,
    /// as audio's `max_seconds`) or leaves the key out.
    public let writesNull: Bool

    public init(writesNull: Bool = false, _ keys: [OptionKey<Options>]) {
        self.keys = keys
        self.writesNull = writesNull
    }

    /// Every key's name, saved-only keys included.
    public var names: [String] { keys.map(\.info.name) }

    /// Passes each key of `options`, in order, to `visitor`.
    public func visit(_ options: inout Options, with visitor: any OptionVisitor) throws {
        for key in keys where key.info.inPipelineFile || visitor.visitsSavedOnlyKeys {
            try key.visit(&options, visitor)
        }
    }
}

// MARK: Table entries

extension OptionKey {
    public static func int(_ name: String, _ path: WritableKeyPath<Options, Int> & Sendable, range: ClosedRange<Int>,
                           doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.int(key, &o[keyPath: path], range: range) }
    }

    public static func optionalInt(_ name: String, _ path: WritableKeyPath<Options, Int?> & Sendable, range: ClosedRange<Int>,
                                   doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.optionalInt(key, &o[keyPath: path], range: range) }
    }

    public static func double(_ name: String, _ path: WritableKeyPath<Options, Double> & Sendable, range: ClosedRange<Double>,
                              doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.double(key, &o[keyPath: path], range: range) }
    }

    public static func optionalDouble(_ name: String, _ path: WritableKeyPath<Options, Double?> & Sendable,
                                      range: ClosedRange<Double>, doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.optionalDouble(key, &o[keyPath: path], range: range) }
    }

    public static func bool(_ name: String, _ path: WritableKeyPath<Options, Bool> & Sendable, doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.bool(key, &o[keyPath: path]) }
    }

    public static func string(_ name: String, _ path: WritableKeyPath<Options, String> & Sendable, doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.string(key, &o[keyPath: path]) }
    }

    /// `then` runs after the key is read (a preset resets the keys after it to its defaults).
    public static func choice<E: OptionChoice>(_ name: String, _ path: WritableKeyPath<Options, E> & Sendable, doc: String,
                                               then: (@Sendable (inout Options) -> Void)? = nil) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in
            try v.choice(key, &o[keyPath: path])
            if v.isReading, let then { then(&o) }
        }
    }

    public static func intList(_ name: String, _ path: WritableKeyPath<Options, [Int]> & Sendable, range: ClosedRange<Int>,
                               count: ClosedRange<Int>, doc: String, check: OptionListCheck<Int>? = nil) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.intList(key, &o[keyPath: path], range: range, count: count, check: check) }
    }

    public static func floatList(_ name: String, _ path: WritableKeyPath<Options, [Float]> & Sendable,
                                 range: ClosedRange<Double>, count: ClosedRange<Int>, doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.floatList(key, &o[keyPath: path], range: range, count: count) }
    }

    public static func stringList(_ name: String, _ path: WritableKeyPath<Options, [String]> & Sendable,
                                  count: ClosedRange<Int>, doc: String, check: OptionListCheck<String>? = nil) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.stringList(key, &o[keyPath: path], count: count, check: check) }
    }

    public static func section<Sub>(_ name: String, _ path: WritableKeyPath<Options, Sub> & Sendable, _ table: OptionTable<Sub>,
                                    doc: String, inPipelineFile: Bool = true) -> OptionKey {
        OptionKey(name, doc: doc, inPipelineFile: inPipelineFile) { o, v, key in
            try v.section(key, &o[keyPath: path], table: table)
        }
    }

    public static func optionalSection<Sub: Sendable>(
        _ name: String, _ path: WritableKeyPath<Options, Sub?> & Sendable, empty: Sub, _ table: OptionTable<Sub>, doc: String
    ) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.optionalSection(key, &o[keyPath: path], empty: empty, table: table) }
    }

    public static func custom<T: Codable & Sendable>(_ name: String, _ path: WritableKeyPath<Options, T> & Sendable,
                                                     doc: String) -> OptionKey {
        OptionKey(name, doc: doc) { o, v, key in try v.custom(key, &o[keyPath: path]) }
    }
}
