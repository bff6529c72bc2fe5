/// Answer times counted into fixed buckets, as a Prometheus histogram: each bucket counts the
/// answers at most its bound (`le`), so the counts grow with the bound and the last, +Inf,
/// equals `count`.
struct LatencyHistogram {
    /// Upper bounds in seconds: a millisecond predict up to a ten-second outlier.
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Answers per bucket (not cumulative; `cumulative` adds them up).
    private var perBucket = [Int](repeating: 0, count: Self.bounds.count + 1)
    private(set) var count = 0
    private(set) var sum = 0.0

    mutating func record(seconds: Double) {
        let bucket = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        perBucket[bucket] += 1
        count += 1
        sum += seconds
    }

    /// (upper bound, answers at most that long), the last bound +Inf.
    var cumulative: [(bound: Double, count: Int)] {
        var running = 0
        return zip(Self.bounds + [.infinity], perBucket).map { bound, n in
            running += n
            return (bound, running)
        }
    }
}
