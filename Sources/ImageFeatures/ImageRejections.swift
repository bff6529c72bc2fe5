import CImageCodecs
import TensorCore

/// The image decoders' rejections: what is wrong in the codec's words, with a hint.
extension ItemError {
    static func tooManyPixels(_ source: String, format: ImageFormat, width: Int, height: Int, limit: Int) -> ItemError {
        ItemError(.tooLarge, source: source,
                  detail: "the \(format.displayName) header claims \(width)×\(height) = \(UInt64(width) * UInt64(height)) pixels, more than max_pixels \(limit)",
                  hint: "raise features.image.max_pixels if the image is genuine; nothing was allocated")
    }

    /// Maps a C codec status and message to a classified error with a hint.
    static func codec(_ status: Int32, message: String, format: ImageFormat, source: String) -> ItemError {
        let name = format.displayName
        switch status {
        case Int32(IC_TRUNCATED):
            return ItemError(.truncated, source: source, detail: "\(name) data ends early: \(message)",
                             hint: "the file was cut short; download or copy it again")
        case Int32(IC_UNSUPPORTED):
            return ItemError(.unsupported, source: source, detail: "\(name) variant not supported: \(message)",
                             hint: "convert it to a baseline 8-bit JPEG or a PNG")
        case Int32(IC_NO_MEMORY):
            return ItemError(.tooLarge, source: source, detail: "\(name) decoder ran out of memory: \(message)",
                             hint: "lower features.image.max_pixels or free memory")
        default:
            return ItemError(.corrupt, source: source, detail: "\(name) data is damaged: \(message)",
                             hint: "re-export or re-download the file")
        }
    }
}
