import FeaturePipeline
import Foundation
import Hummingbird
import NIOCore

/// Request bodies in and response bodies out, as JSON.
enum JSONBody {
    /// The body decoded as `T`: 413 past `limit` bytes (nothing past it is buffered), 400
    /// when it is empty, not JSON, or JSON of another shape.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("bad_json", "the body is empty", hint: "send one JSON object with Content-Type: application/json")
        }
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw APIError.badRequest("bad_json", "the body is not valid JSON: \(syntaxError(in: data))",
                                      hint: "send one JSON object with Content-Type: application/json")
        }
    }

    /// Where `data` stops being JSON ("Invalid value around character 9."): JSONDecoder does
    /// not say, JSONSerialization's parser does.
    static func syntaxError(in data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            if let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { return text }
        }
        return "a syntax error"
    }

    /// `value` as the body of a response with `status`: sorted keys and non-finite numbers as
    /// strings, as the run folder's JSON files (`StableJSON`), one line.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, request: Request,
                         context: some RequestContext) throws -> Response {
        var response = try encoder.encode(value, from: request, context: context)
        response.status = status
        return response
    }

    private static var encoder: JSONEncoder { StableJSON.encoder(pretty: false) }
}
