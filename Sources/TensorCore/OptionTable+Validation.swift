/// Range and length checks of every key, from the table (cross-key rules stay with each option set).
extension OptionTable {
    /// One line per value outside its key's range, as `prefix.key: value is out of range; expected …`.
    public func problems(_ options: Options, prefix: String = "") -> [String] {
        var copy = options
        let validator = OptionValidator(prefix: prefix)
        try? visit(&copy, with: validator)
        return validator.problems
    }
}

private final class OptionValidator: OptionVisitor {
    let prefix: String
    var problems: [String] = []
    var isReading: Bool { false }
    var visitsSavedOnlyKeys: Bool { true }

    init(prefix: String) { self.prefix = prefix }

    private func path(_ key: OptionKeyInfo) -> String { prefix.isEmpty ? key.name : "\(prefix).\(key.name)" }

    private func require(_ ok: Bool, _ key: OptionKeyInfo, _ value: Any, _ expected: String) {
        if !ok { problems.append("\(path(key)): \(value) is out of range; expected \(expected)") }
    }

    private func list<T>(_ key: OptionKeyInfo, _ value: [T], count: ClosedRange<Int>, each: String?,
                         contains: (T) -> Bool, check: OptionListCheck<T>?) {
        let expected = "\(OptionText.count(count)) entries" + (each.map { ", each \($0)" } ?? "")
        require(count.contains(value.count) && value.allSatisfy(contains), key, value, expected)
        for problem in check?(value) ?? [] { problems.append("\(path(key)): \(problem.message)") }
    }

    func int(_ key: OptionKeyInfo, _ value: inout Int, range: ClosedRange<Int>) throws {
        require(range.contains(value), key, value, OptionText.range(range))
    }
    func optionalInt(_ key: OptionKeyInfo, _ value: inout Int?, range: ClosedRange<Int>) throws {
        if let v = value { require(range.contains(v), key, v, OptionText.range(range)) }
    }
    func double(_ key: OptionKeyInfo, _ value: inout Double, range: ClosedRange<Double>) throws {
        require(range.contains(value), key, value, OptionText.range(range))
    }
    func optionalDouble(_ key: OptionKeyInfo, _ value: inout Double?, range: ClosedRange<Double>) throws {
        if let v = value { require(range.contains(v), key, v, OptionText.range(range) + ", or null") }
    }
    func bool(_ key: OptionKeyInfo, _ value: inout Bool) throws {}
    func string(_ key: OptionKeyInfo, _ value: inout String) throws {}
    func choice<E: OptionChoice>(_ key: OptionKeyInfo, _ value: inout E) throws {}
    func intList(_ key: OptionKeyInfo, _ value: inout [Int], range: ClosedRange<Int>, count: ClosedRange<Int>,
                 check: OptionListCheck<Int>?) throws {
        list(key, value, count: count, each: OptionText.range(range), contains: range.contains, check: check)
    }
    func floatList(_ key: OptionKeyInfo, _ value: inout [Float], range: ClosedRange<Double>, count: ClosedRange<Int>) throws {
        list(key, value, count: count, each: OptionText.range(range), contains: { range.contains(Double($0)) }, check: nil)
    }
    func stringList(_ key: OptionKeyInfo, _ value: inout [String], count: ClosedRange<Int>, check: OptionListCheck<String>?) throws {
        list(key, value, count: count, each: nil, contains: { _ in true }, check: check)
    }
    func section<Sub>(_ key: OptionKeyInfo, _ value: inout Sub, table: OptionTable<Sub>) throws {
        problems += table.problems(value, prefix: path(key))
    }
    func optionalSection<Sub>(_ key: OptionKeyInfo, _ value: inout Sub?, empty: Sub, table: OptionTable<Sub>) throws {
        if let value { problems += table.problems(value, prefix: path(key)) }
    }
    func custom<T: Codable & Sendable>(_ key: OptionKeyInfo, _ value: inout T) throws {}
}

/// How ranges, lengths and numbers are spelled in messages and in the reference.
public enum OptionText {
    /// `1 to 30`, `at least 1`, `0.001 to 1e+09`.
    public static func range<T: Comparable>(_ r: ClosedRange<T>) -> String {
        let lo = "\(r.lowerBound)", hi = "\(r.upperBound)"
        if let d = r.upperBound as? Double, d == .greatestFiniteMagnitude { return "at least \(number(r.lowerBound as! Double))" }
        if let i = r.upperBound as? Int, i == Int.max { return "at least \(lo)" }
        if let a = r.lowerBound as? Double, let b = r.upperBound as? Double { return "\(number(a)) to \(number(b))" }
        return "\(lo) to \(hi)"
    }

    /// `exactly 2`, `at least 1`, `1 to 32`.
    public static func count(_ r: ClosedRange<Int>) -> String {
        r.lowerBound == r.upperBound ? "exactly \(r.lowerBound)" : r.upperBound >= 10_000 ? "at least \(r.lowerBound)" : "\(r.lowerBound) to \(r.upperBound)"
    }

    /// Shortest round-tripping text of a number (`0.1`, `1e-05`, `30`).
    public static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        // A Float option widened to Double (0.48500001430511475) prints as the Float it is (0.485).
        if let f = Float(exactly: d) { return "\(f)" }
        return "\(d)"
    }
}
