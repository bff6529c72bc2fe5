/// Every route the server answers, named once: /metrics labels requests by them (any other path
/// is "other", so the label set stays small) and a 404 lists them.
enum ServedRoutes {
    static let all: [(method: String, path: String)] = [
        ("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/metrics"), ("POST", "/admin/reload"), ("GET", "/v1/model"),
        ("POST", "/v1/predict"), ("POST", "/v1/recommend"), ("POST", "/v1/similar"), ("POST", "/v1/items"),
    ]
    static let paths = Set(all.map(\.path))
    /// "GET /health/live, …", for a 404's hint.
    static let listed = all.map { "\($0.method) \($0.path)" }.joined(separator: ", ")
}
