import Foundation
import Hummingbird

/// GET /metrics and POST /admin/reload (docs/serving.md).
struct AdminRoutes {
    let reloader: ModelReloader
    let metrics: ServerMetrics
    let gate: AdmissionGate

    /// What POST /admin/reload answers when the new model is in place.
    struct Reloaded: Encodable {
        var status = "reloaded"
        var model: ModelInfo
    }

    func add(to router: Router<ServingContext>) {
        router.get("/metrics") { _, _ in
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: metrics.text(queued: gate.waitingCount))))
            response.headers[.contentType] = PrometheusText.contentType
            return response
        }
        router.post("/admin/reload") { request, context in
            guard context.peerIsLoopback else {
                throw APIError(status: .forbidden, code: "forbidden", message: "/admin/reload answers only to this machine",
                               hint: "send it from the server's host (127.0.0.1), or send the process SIGHUP")
            }
            switch await reloader.reload(trigger: "POST /admin/reload") {
            case .swapped(let info):
                return try JSONBody.response(Reloaded(model: info), request: request, context: context)
            case .refused(let reason):
                throw APIError(status: .conflict, code: "reload_refused", message: reason,
                               hint: "the previous model keeps serving; reload again once the run is complete")
            case .busy:
                throw APIError(status: .conflict, code: "reload_in_progress", message: "another reload is running",
                               hint: "wait for it: GET /v1/model names the model serving")
            }
        }
    }
}
