/// One problem in a pipeline file: where it is, which key, what is wrong, and how to fix it.
public struct SpecIssue: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// Dotted path of the key, e.g. `train.batch_size` or `features.image.layers[1].kernel`.
    public var keyPath: String
    public var message: String
    public var hint: String?

    public var description: String {
        "\(file):\(line):\(column): \(keyPath.isEmpty ? "(top level)" : keyPath): \(message)"
            + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// All problems found in a pipeline file; thrown when there is at least one.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    public var issues: [SpecIssue]
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}

/// Closest candidate to `word` by edit distance, if it is close enough to be a plausible typo.
public func nearestKey(to word: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (key, distance) = best else { return nil }
    let allowed = max(2, min(word.count, key.count) / 3)
    return distance <= allowed || key.hasPrefix(word) || word.hasPrefix(key) ? key : nil
}

/// Levenshtein distance (insertions, deletions, substitutions), on Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
