import ImageFeatures
import TensorCore

/// `features.image`: which column holds each item's picture and how it becomes a vector.
public struct ImageSpec: Sendable, Equatable {
    public var field: String
    public var options: ImageOptions
    public var onError: OnError
}

extension ImageSpec {
    static func read(_ r: MappingReader) -> ImageSpec {
        let field = r.string("field", default: "image", doc: "Column of the items file holding the image's path.") ?? "image"
        var o = ImageOptions()
        OptionTableReader.read(&o, ImageOptions.keys, from: r, custom: ["layers": readLayers])
        let onError = r.choice("on_error", default: OnError.fallback,
                               doc: "An item whose image cannot be read: fail (stop the run), skip (leave the item out of training and evaluation) or fallback (treat the image as missing).")
        for problem in o.validate() { r.report("", nil, problem, hint: "see docs/images.md") }
        r.finish()
        return ImageSpec(field: field, options: o, onError: onError)
    }

    /// `layers`: one mapping per convolution layer; nil (keep the default stack) when absent.
    private static func readLayers(_ r: MappingReader, _ key: OptionKeyInfo) -> Any? {
        guard let layers = r.sectionList(key.name, doc: key.doc) else { return nil }
        let read = layers.map { l -> ConvLayerSpec in
            let conv = l.int("conv", default: 16, range: 1...1024, doc: "Output channels.")
            let kernel = l.int("kernel", default: 3, range: 1...15, doc: "Square kernel size.")
            let stride = l.int("stride", default: 1, range: 1...15, doc: "Stride (at most the kernel size).")
            let padding = l.optionalInt("padding", range: 0...14, doc: "Zero padding per side; default kernel / 2.")
            let pool = l.int("pool", default: 1, range: 1...8, doc: "Max-pooling window after the ReLU (1: none).")
            l.finish()
            return ConvLayerSpec(conv: conv, kernel: kernel, stride: stride, padding: padding, pool: pool)
        }
        return read.isEmpty || r.diag.documenting ? nil : read
    }
}
