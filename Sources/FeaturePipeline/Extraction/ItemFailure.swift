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

extension ItemFailure {
    /// The line for `item`'s `error` in `modality`; `path` is the located file, if any.
    init(item: String, modality: String, path: String?, error: ItemError) {
        self.init(item: item, modality: modality, path: path, errorClass: error.failureClass, message: error.message)
    }
}
