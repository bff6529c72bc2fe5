import Foundation
import Hummingbird

/// Counts every request into /metrics: by route (`ServedRoutes`, or "other" for a path no
/// route has, so the label set stays small) and status, with its answer time.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        metrics.requestStarted()
        var status = 500
        defer {
            let route = ServedRoutes.paths.contains(request.uri.path) ? request.uri.path : "other"
            metrics.requestFinished(route: route, status: status, seconds: (ContinuousClock.now - started) / .seconds(1))
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}

/// Lets /v1 requests through the `AdmissionGate`; one that finds the queue full is answered
/// 503 `overloaded` with Retry-After at once, before its body is read.
struct AdmissionMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: AdmissionGate
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        if let response = try await gate.withTurn({ try await next(request, context) }) { return response }
        metrics.rejected()
        var response = try JSONBody.response(APIError.overloaded(gate).body, status: .serviceUnavailable, request: request, context: context)
        response.headers[.retryAfter] = "1"
        return response
    }
}

/// Reads the slot once per /v1 request and pins that model for the whole answer (a reload
/// swaps the slot, never a request's model), then names it in `X-Model-Manifest`: the first
/// 12 hex digits of the SHA-256 of its manifest.json, as /v1/model gives in full.
struct ModelPinMiddleware<Context: RequestContext>: RouterMiddleware {
    let slot: ModelSlot

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        return try await slot.withPinnedModel { model in
            var response = try await next(request, context)
            if let model { response.headers[.init("X-Model-Manifest")!] = String(model.info.manifestSHA256.prefix(12)) }
            return response
        }
    }
}

extension APIError {
    static func overloaded(_ gate: AdmissionGate) -> APIError {
        APIError(status: .serviceUnavailable, code: "overloaded",
                 message: "the server is answering \(gate.concurrent) requests with \(gate.queued) more waiting",
                 hint: "retry after the seconds in Retry-After, or send fewer requests at once")
    }
}
