import Foundation
import TensorCore

/// One rejected item input, a line of errors.jsonl.
public struct ItemFailure: Sendable, Codable, Equatable {
    public var item: String
    public var modality: String
    public var path: String?
    public var errorClass: FailureClass
    public var message: String

    enum CodingKeys: String, CodingKey { case item, modality, path, errorClass = "class", message }

    public var line: String {
        String(decoding: (try? StableJSON.encode(self, pretty: false).dropLast()) ?? Data(), as: UTF8.self)
    }
}

/// An item input that could not be used, with its class: what the extractors throw.
struct ExtractionError: ClassifiedError {
    var failureClass: FailureClass
    var message: String
}
