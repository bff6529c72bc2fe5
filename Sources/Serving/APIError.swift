import FeaturePipeline
import Foundation
import Hummingbird
import NIOCore

/// The one error a client sees: an HTTP status and `{"error": {"code", "message", "hint"}}`.
/// `code` is stable for programs, `message` names the offending value, `hint` says what to do.
/// Nothing else (no stack trace, no Swift type name) leaves the server.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var hint: String

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var hint: String
        }
        var error: Detail
    }

    var body: Body { Body(error: .init(code: code, message: message, hint: hint)) }

    static func badRequest(_ code: String, _ message: String, hint: String) -> APIError {
        APIError(status: .badRequest, code: code, message: message, hint: hint)
    }

    /// `what` ("k", "items") is over its limit: 400 naming the limit.
    static func overLimit(_ what: String, count: Int, limit: Int) -> APIError {
        badRequest("over_limit", "\(what) is \(count); the limit is \(limit)",
                   hint: "split the request, or ask for at most \(limit)")
    }

    static func unknownUser(_ id: String) -> APIError {
        APIError(status: .notFound, code: "unknown_user", message: "no user '\(id)' in this model",
                 hint: "for a visitor the model never saw, POST /v1/recommend with {\"history\": [{\"item\", \"rating\"}, …]}")
    }

    static func unknownItem(_ id: String) -> APIError {
        APIError(status: .notFound, code: "unknown_item", message: "no item '\(id)' in this model",
                 hint: "item ids are the items file's id column; POST /v1/items adds a new item")
    }

    /// A row of `POST /v1/items` the catalog loader refuses: 400 naming the item (its place in
    /// the body, from 1) and the column.
    static func badItem(_ error: RejectedItem) -> APIError {
        let place = (error.record > 0 ? "item \(error.record)" : "the body") + (error.column.map { ", column '\($0)'" } ?? "")
        return badRequest("bad_item", "\(place): \(error.message)", hint: error.hint)
    }

    /// `POST /v1/items` of an id the model has: 409.
    static func itemExists(_ error: ItemExists) -> APIError {
        APIError(status: .conflict, code: "item_exists",
                 message: "item '\(error.id)' is already \(error.posted ? "posted" : "in the model's catalog")",
                 hint: "an item is added once; give the new item an id of its own")
    }

    static let notReady = APIError(status: .serviceUnavailable, code: "not_ready", message: "the model is still loading",
                                   hint: "wait until GET /health/ready answers 200")

    /// Any error as the client sees it: an `APIError` as it is, a too large body as 413, a
    /// body that is not the request's JSON as 400 (with where it went wrong), anything else as
    /// 500 with the text of the pipeline's own errors and none of another's internals.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is over its size limit",
                            hint: "send fewer items per request")
        case let error as DecodingError:
            return fromDecoding(error)
        case let error as PipelineError:
            return APIError(status: .internalServerError, code: "internal", message: error.what,
                            hint: error.hint ?? "the server's log has the details")
        default:
            return APIError(status: .internalServerError, code: "internal", message: "the server failed to answer",
                            hint: "the server's log has the cause")
        }
    }

    /// 400 `bad_request` naming the key of JSON in the wrong shape (a body that is not JSON at
    /// all is `bad_json`, from `JSONBody.decode`, which has the bytes to find where).
    static func fromDecoding(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the body" : text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        let shape = "see docs/serving.md for each endpoint's body"
        switch error {
        case .keyNotFound(let key, let context):
            return badRequest("bad_request", "missing key '\(key.stringValue)' in \(path(context.codingPath))", hint: shape)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return badRequest("bad_request", "\(path(context.codingPath)) is not \(TypeWords.name(type))", hint: shape)
        case .dataCorrupted(let context):
            return badRequest("bad_request", "\(path(context.codingPath)): \(context.debugDescription)", hint: shape)
        @unknown default:
            return badRequest("bad_request", "the body does not have the expected shape", hint: shape)
        }
    }
}

/// What a decoding type mismatch expected, in the words of JSON.
enum TypeWords {
    static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "a whole number"
        case is Float.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            return name.hasPrefix("Array") ? "a list" : name.hasPrefix("Dictionary") ? "an object" : "of the expected type"
        }
    }
}
