import Foundation
import Synchronization

/// What GET /metrics reports (docs/serving.md lists each metric): requests by route and status
/// with their answer times, requests in flight, queue rejections, the model in the slot, and
/// reloads. All counters start at zero with the server.
final class ServerMetrics: Sendable {
    struct RouteStatus: Hashable, Comparable {
        var route: String
        var status: Int
        static func < (a: Self, b: Self) -> Bool { (a.route, a.status) < (b.route, b.status) }
    }

    private struct State {
        var answers: [RouteStatus: LatencyHistogram] = [:]
        var inFlight = 0
        var rejected = 0
        var reloads = 0
        var reloadFailures = 0
        var model: ModelInfo?
        var modelLoadedAt: Double = 0
    }

    private let state = Mutex(State())

    func requestStarted() { state.withLock { $0.inFlight += 1 } }

    func requestFinished(route: String, status: Int, seconds: Double) {
        state.withLock {
            $0.inFlight -= 1
            $0.answers[RouteStatus(route: route, status: status), default: LatencyHistogram()].record(seconds: seconds)
        }
    }

    /// A request turned away because the queue was full.
    func rejected() { state.withLock { $0.rejected += 1 } }

    /// A model went into the slot (the first load, or a reload when `reload`).
    func modelLoaded(_ info: ModelInfo, reload: Bool) {
        let loadedAt = (try? Date(info.loadedAt, strategy: .iso8601)) ?? Date()
        state.withLock {
            $0.model = info
            $0.modelLoadedAt = loadedAt.timeIntervalSince1970
            if reload { $0.reloads += 1 }
        }
    }

    func reloadFailed() { state.withLock { $0.reloadFailures += 1 } }

    /// The exposition text; `queued`: requests waiting for a turn now.
    func text(queued: Int) -> String {
        let state = self.state.withLock { $0 }
        var out = PrometheusText()
        out.family("pipeline_serve_requests_total", .counter, help: "Requests answered, by route and HTTP status.")
        let keys = state.answers.keys.sorted()
        for key in keys {
            out.sample("pipeline_serve_requests_total", labels(key), Double(state.answers[key]!.count))
        }
        out.family("pipeline_serve_request_duration_seconds", .histogram, help: "Time to answer, by route and HTTP status.")
        for key in keys {
            let histogram = state.answers[key]!
            for (bound, count) in histogram.cumulative {
                out.sample("pipeline_serve_request_duration_seconds_bucket", labels(key) + [("le", PrometheusText.number(bound))], Double(count))
            }
            out.sample("pipeline_serve_request_duration_seconds_sum", labels(key), histogram.sum)
            out.sample("pipeline_serve_request_duration_seconds_count", labels(key), Double(histogram.count))
        }
        out.family("pipeline_serve_requests_in_flight", .gauge, help: "Requests being answered now.")
        out.sample("pipeline_serve_requests_in_flight", Double(state.inFlight))
        out.family("pipeline_serve_requests_queued", .gauge, help: "Requests waiting for a turn now.")
        out.sample("pipeline_serve_requests_queued", Double(queued))
        out.family("pipeline_serve_rejected_requests_total", .counter, help: "Requests answered 503 overloaded because the queue was full.")
        out.sample("pipeline_serve_rejected_requests_total", Double(state.rejected))
        out.family("pipeline_serve_model_info", .gauge, help: "The model answering: 1, labelled with its pipeline and manifest SHA-256.")
        if let model = state.model {
            out.sample("pipeline_serve_model_info", [("pipeline", model.pipeline), ("manifest_sha256", model.manifestSHA256)], 1)
        }
        out.family("pipeline_serve_model_loaded_timestamp_seconds", .gauge, help: "When the answering model was loaded (Unix time).")
        out.sample("pipeline_serve_model_loaded_timestamp_seconds", state.modelLoadedAt)
        out.family("pipeline_serve_reloads_total", .counter, help: "Reloads that swapped in a new model.")
        out.sample("pipeline_serve_reloads_total", Double(state.reloads))
        out.family("pipeline_serve_reload_failures_total", .counter, help: "Reloads refused; the previous model kept serving.")
        out.sample("pipeline_serve_reload_failures_total", Double(state.reloadFailures))
        return out.text
    }

    private func labels(_ key: RouteStatus) -> [(String, String)] { [("route", key.route), ("status", String(key.status))] }
}
