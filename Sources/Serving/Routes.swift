import FeaturePipeline
import Foundation
import Hummingbird
import Logging

/// The endpoints (docs/serving.md). Each checks its request's limits, reads the model from the
/// slot once, and answers with what the offline `TrainedRun` call returns for the same input.
struct Routes {
    let slot: ModelSlot
    let limits: ServeConfiguration
    let posted: PostedItems

    func router(logger: Logger, tally: RequestTally, operations: AdminRoutes) -> Router<ServingContext> {
        let router = Router(context: ServingContext.self)
        // Middleware applies to the routes added after it, the first added outermost.
        router.add(middleware: MetricsMiddleware<ServingContext>(metrics: operations.metrics))
        router.add(middleware: RequestLogMiddleware<ServingContext>(logger: logger, tally: tally))
        router.add(middleware: AdmissionMiddleware<ServingContext>(gate: operations.gate, metrics: operations.metrics))
        router.add(middleware: ModelPinMiddleware<ServingContext>(slot: slot))
        router.add(middleware: JSONErrorMiddleware<ServingContext>(logger: logger))
        operations.add(to: router)
        router.get("/health/live") { request, context in
            try JSONBody.response(HealthResponse(status: "live"), request: request, context: context)
        }
        router.get("/health/ready") { [slot] request, context in
            let ready = slot.isReady
            return try JSONBody.response(HealthResponse(status: ready ? "ready" : slot.isDraining ? "stopping" : "loading"), status: ready ? .ok : .serviceUnavailable,
                                         request: request, context: context)
        }
        router.get("/v1/model") { [slot] request, context in
            try JSONBody.response(try slot.current().info, request: request, context: context)
        }
        router.post("/v1/predict") { request, context in
            let body = try await JSONBody.decode(PredictRequest.self, from: request, limit: limits.maxBodyBytes)
            try checkCount("items", body.items.count, limit: limits.maxItems)
            return try JSONBody.response(try slot.current().predict(body), request: request, context: context)
        }
        router.post("/v1/recommend") { request, context in
            let body = try await JSONBody.decode(RecommendRequest.self, from: request, limit: limits.maxBodyBytes)
            return try JSONBody.response(try await recommend(body), request: request, context: context)
        }
        router.post("/v1/similar") { request, context in
            let body = try await JSONBody.decode(SimilarRequest.self, from: request, limit: limits.maxBodyBytes)
            let k = try checkedK(body.k)
            return try JSONBody.response(try await slot.current().similar(item: body.item, k: k, fields: body.fields ?? []),
                                         request: request, context: context)
        }
        ItemRoutes(slot: slot, posted: posted, limits: limits).add(to: router)
        return router
    }

    private func recommend(_ body: RecommendRequest) async throws -> RecommendResponse {
        let k = try checkedK(body.k)
        let model = try slot.current()
        let never = body.exclude ?? []
        try checkCount("exclude", never.count, limit: limits.maxItems)
        switch (body.user, body.history) {
        case (let user?, nil):
            if let candidates = body.candidates, candidates < 0 {
                throw APIError.badRequest("bad_request", "candidates is \(candidates)", hint: "candidates counts items: 0 (every item) or more")
            }
            return try await model.recommend(user: user, k: k, excluding: body.excludeSeen ?? .all, never: never, fields: body.fields ?? [],
                                             candidates: body.candidates)
        case (nil, let history?):
            try checkCount("history", history.count, limit: limits.maxItems)
            return try await model.recommend(history: history.map { ($0.item, $0.rating) }, k: k, never: never, fields: body.fields ?? [])
        default:
            throw APIError.badRequest("bad_request", "give \"user\" or \"history\", one of them",
                                      hint: "{\"user\": \"u1\", \"k\": 10} or {\"history\": [{\"item\": \"i1\", \"rating\": 5}], \"k\": 10}")
        }
    }

    /// `k` (10 when absent) within 1…maxK.
    private func checkedK(_ k: Int?) throws -> Int {
        let k = k ?? 10
        guard k >= 1 else { throw APIError.badRequest("bad_request", "k is \(k)", hint: "k counts items: at least 1") }
        try checkCount("k", k, limit: limits.maxK)
        return k
    }

    private func checkCount(_ what: String, _ count: Int, limit: Int) throws {
        if count > limit { throw APIError.overLimit(what, count: count, limit: limit) }
    }
}
