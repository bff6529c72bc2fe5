/// Why one item's input — a media file, a text field — could not be turned into features.
///
/// The one error every extractor and `pipeline probe` throw for a bad input, so that a bad file
/// gets the same words from `pipeline run`, `pipeline extract` and `pipeline probe`. Its message
/// has one format, `<source>: <detail> (hint: <hint>)`, e.g.
/// `photos/a.png: PNG data is damaged: IDAT: CRC error (hint: re-export or re-download the file)`
/// or `items.csv:12 column 'title': not valid UTF-8 (hint: …)`.
///
/// One reference-counted box (8 bytes), so that arrays of per-item results stay small when
/// almost every item succeeds.
public struct ItemError: Error, Equatable, CustomStringConvertible {
    private final class Storage: Sendable {
        let failureClass: FailureClass
        let source: String, detail: String, hint: String
        init(_ failureClass: FailureClass, _ source: String, _ detail: String, _ hint: String) {
            self.failureClass = failureClass; self.source = source; self.detail = detail; self.hint = hint
        }
    }
    private let storage: Storage

    /// - Parameters:
    ///   - source: what the input is: a file path, or the items file's line and column.
    ///   - detail: what is wrong, in the decoder's own words where it has them.
    ///   - hint: what the user can do about it.
    public init(_ failureClass: FailureClass, source: String, detail: String, hint: String) {
        storage = Storage(failureClass, source, detail, hint)
    }

    public var failureClass: FailureClass { storage.failureClass }
    public var source: String { storage.source }
    public var detail: String { storage.detail }
    public var hint: String { storage.hint }

    /// The line `errors.jsonl` and `pipeline probe` show.
    public var message: String { "\(source): \(detail) (hint: \(hint))" }

    /// The class, then the message: `corrupt: photos/a.png: … (hint: …)`.
    public var description: String { "\(failureClass.rawValue): \(message)" }

    public static func == (a: ItemError, b: ItemError) -> Bool {
        (a.failureClass, a.source, a.detail, a.hint) == (b.failureClass, b.source, b.detail, b.hint)
    }
}

extension ItemError {
    /// The class and message a report gives any error met while reading one item's input: the
    /// item error's own, or `corrupt` with the error's text for anything unforeseen.
    public static func classify(_ error: any Error, path: String) -> (failureClass: FailureClass, message: String) {
        if let item = error as? ItemError { return (item.failureClass, item.message) }
        return (.corrupt, "\(path): \(error)")
    }
}
