/// One statistic of pooling over time, spelled in YAML as `mean`, `std`, `min`, `max` or `pNN`
/// (a percentile, 0…100, numpy's linear interpolation).
public enum PoolingStatistic: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case mean, std, min, max
    case percentile(Double)

    /// Parses `mean`, `std`, `min`, `max`, `p10`, `p99.5`; nil for anything else.
    public init?(name: String) {
        switch name {
        case "mean": self = .mean
        case "std": self = .std
        case "min": self = .min
        case "max": self = .max
        default:
            guard name.hasPrefix("p"), let q = Double(name.dropFirst()), (0...100).contains(q) else { return nil }
            self = .percentile(q)
        }
    }

    public var description: String {
        switch self {
        case .mean: "mean"
        case .std: "std"
        case .min: "min"
        case .max: "max"
        case .percentile(let q): q == q.rounded() ? "p\(Int(q))" : "p\(q)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let s = PoolingStatistic(name: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown pooling statistic '\(name)'; use mean, std, min, max or p0…p100"))
        }
        self = s
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
