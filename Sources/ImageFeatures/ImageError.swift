import CImageCodecs
import TensorCore

/// Why one image could not be decoded: the failure class, the file, what is wrong and a hint.
///
/// `message` is what `errors.jsonl` and `pipeline probe` show, e.g.
/// `photos/a.png: PNG data is damaged: IDAT: CRC error (hint: re-export or re-download the file)`.
public struct ImageError: ClassifiedError, Equatable {
    public let failureClass: FailureClass
    /// The file path or item name the error is about.
    public let source: String
    /// What is wrong, in the decoder's words where it has them.
    public let detail: String
    /// What the user can do about it.
    public let hint: String

    public init(_ failureClass: FailureClass, source: String, detail: String, hint: String) {
        self.failureClass = failureClass
        self.source = source
        self.detail = detail
        self.hint = hint
    }

    public var message: String { "\(source): \(detail) (hint: \(hint))" }
}

extension ImageError {
    static func missing(_ source: String) -> ImageError {
        ImageError(.missing, source: source, detail: "no such file", hint: "check the path and the catalog's image field")
    }

    static func empty(_ source: String) -> ImageError {
        ImageError(.empty, source: source, detail: "the file is empty (0 bytes)", hint: "the download or copy probably failed")
    }

    static func tooManyBytes(_ source: String, bytes: Int, limit: Int) -> ImageError {
        ImageError(.tooLarge, source: source, detail: "the file has \(bytes) bytes, more than max_bytes \(limit)",
                   hint: "raise features.image.max_bytes if the file is genuine")
    }

    static func tooManyPixels(_ source: String, format: ImageFormat, width: Int, height: Int, limit: Int) -> ImageError {
        ImageError(.tooLarge, source: source,
                   detail: "the \(format.displayName) header claims \(width)×\(height) = \(UInt64(width) * UInt64(height)) pixels, more than max_pixels \(limit)",
                   hint: "raise features.image.max_pixels if the image is genuine; nothing was allocated")
    }

    /// Maps a C codec status and message to a classified error with a hint.
    static func codec(_ status: Int32, message: String, format: ImageFormat, source: String) -> ImageError {
        let name = format.displayName
        switch status {
        case Int32(IC_TRUNCATED):
            return ImageError(.truncated, source: source, detail: "\(name) data ends early: \(message)",
                              hint: "the file was cut short; download or copy it again")
        case Int32(IC_UNSUPPORTED):
            return ImageError(.unsupported, source: source, detail: "\(name) variant not supported: \(message)",
                              hint: "convert it to a baseline 8-bit JPEG or a PNG")
        case Int32(IC_NO_MEMORY):
            return ImageError(.tooLarge, source: source, detail: "\(name) decoder ran out of memory: \(message)",
                              hint: "lower features.image.max_pixels or free memory")
        default:
            return ImageError(.corrupt, source: source, detail: "\(name) data is damaged: \(message)",
                              hint: "re-export or re-download the file")
        }
    }
}
