import Foundation
import Hummingbird
import Logging
import Synchronization

/// Turns whatever a route throws, and the router's own "no such route", into the JSON error
/// body (`APIError`). An error the server did not expect is logged here with its cause; the
/// client only gets the 500 body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = Self.apiError(error, request: request)
            if answer.status == .internalServerError { logger.error("\(request.method) \(request.uri.path) failed: \(error)") }
            return try JSONBody.response(answer.body, status: answer.status, request: request, context: context)
        }
    }

    static func apiError(_ error: any Error, request: Request) -> APIError {
        if let http = error as? HTTPError {
            guard http.status == .notFound else {
                return APIError(status: http.status, code: "http_error", message: http.body ?? http.status.reasonPhrase,
                                hint: "docs/serving.md describes the routes")
            }
            return APIError(status: .notFound, code: "no_route", message: "no route \(request.method) \(request.uri.path)",
                            hint: "routes: " + ServedRoutes.listed)
        }
        return APIError.from(error)
    }
}

/// One structured debug line per request (method, path, status, milliseconds), and the counts
/// by status class that the server logs when it stops.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let tally: RequestTally

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let ms = (ContinuousClock.now - started) / .milliseconds(1)
        tally.count(response.status.code)
        logger.debug("request", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)",
                                           "status": "\(response.status.code)", "ms": "\(String(format: "%.2f", ms))"])
        return response
    }
}

/// Requests answered, by status class.
final class RequestTally: Sendable {
    private let counts = Mutex<[Int: Int]>([:])

    func count(_ status: Int) { counts.withLock { $0[status / 100, default: 0] += 1 } }

    /// "12 requests (10 2xx, 2 4xx)".
    var summary: String {
        let counts = self.counts.withLock { $0 }
        let total = counts.values.reduce(0, +)
        let classes = counts.keys.sorted().map { "\(counts[$0]!) \($0)xx" }
        return "\(total) request\(total == 1 ? "" : "s")" + (classes.isEmpty ? "" : " (\(classes.joined(separator: ", ")))")
    }
}
