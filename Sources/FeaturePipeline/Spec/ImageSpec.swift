import ImageFeatures

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
        o.size = r.intList("size", default: o.size, range: 1...4096, count: 2...2, doc: "Target [height, width] after resizing.")
        o.resize = r.choice("resize", default: o.resize, doc: "Resampling filter (antialiased, byte-identical to Pillow's).")
        o.maxPixels = r.int("max_pixels", default: o.maxPixels, range: 1...(1 << 31), doc: "Images with more pixels are rejected as too_large before any pixel buffer exists.")
        o.maxBytes = r.int("max_bytes", default: o.maxBytes, range: 1...(1 << 40), doc: "Larger files are rejected as too_large before reading.")
        o.background = r.intList("background", default: o.background, range: 0...255, count: 3...3, doc: "RGB colour transparent pixels are composited on.")
        o.exifOrientation = r.bool("exif_orientation", default: o.exifOrientation, doc: "Apply the EXIF orientation of JPEGs (and of PNG eXIf and WebP EXIF chunks).")
        o.reducedDecode = r.bool("reduced_decode", default: o.reducedDecode, doc: "Decode JPEGs at 1/2, 1/4 or 1/8 scale when the target is that much smaller (libjpeg-turbo DCT scaling).")
        o.mean = r.doubleList("mean", default: o.mean.map(Double.init), range: -1000...1000, count: 3...3, doc: "Per-channel mean subtracted after scaling pixels to 0…1.").map(Float.init)
        o.std = r.doubleList("std", default: o.std.map(Double.init), range: 0.000001...1000, count: 3...3, doc: "Per-channel deviation the pixels are divided by.").map(Float.init)
        if let layers = r.sectionList("layers", doc: "The convolution stack: per layer Conv2d + ReLU + optional max pooling; then global average pooling.") {
            let read = layers.map { l -> ConvLayerSpec in
                let conv = l.int("conv", default: 16, range: 1...1024, doc: "Output channels.")
                let kernel = l.int("kernel", default: 3, range: 1...15, doc: "Square kernel size.")
                let stride = l.int("stride", default: 1, range: 1...15, doc: "Stride (at most the kernel size).")
                let padding = l.optionalInt("padding", range: 0...14, doc: "Zero padding per side; default kernel / 2.")
                let pool = l.int("pool", default: 1, range: 1...8, doc: "Max-pooling window after the ReLU (1: none).")
                l.finish()
                return ConvLayerSpec(conv: conv, kernel: kernel, stride: stride, padding: padding, pool: pool)
            }
            if !read.isEmpty && !r.diag.documenting { o.layers = read }
        }
        o.projection = r.optionalInt("projection", range: 1...4096, doc: "Width of a linear projection after pooling; none: the last layer's channels are the output.")
        let onError = r.choice("on_error", default: OnError.fallback,
                               doc: "An item whose image cannot be read: fail (stop the run), skip (leave the item out of training and evaluation) or fallback (treat the image as missing).")
        for problem in o.validate() { r.report("", nil, problem, hint: "see docs/images.md") }
        r.finish()
        return ImageSpec(field: field, options: o, onError: onError)
    }
}
