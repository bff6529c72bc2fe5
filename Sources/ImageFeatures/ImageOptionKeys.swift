import TensorCore

/// The keys of `features.image`, once: YAML reading, JSON coding, range checks and the reference
/// all walk this table (docs/images.md has the details).
extension ImageOptions: KeyedOptions {
    public static let keys = OptionTable<ImageOptions>([
        .intList("size", \.size, range: 1...4096, count: 2...2, doc: "Target [height, width] after resizing."),
        .choice("resize", \.resize, doc: "Resampling filter (antialiased, byte-identical to Pillow's)."),
        .int("max_pixels", \.maxPixels, range: 1...(1 << 31), doc: "Images with more pixels are rejected as too_large before any pixel buffer exists."),
        .int("max_bytes", \.maxBytes, range: 1...(1 << 40), doc: "Larger files are rejected as too_large before reading."),
        .intList("background", \.background, range: 0...255, count: 3...3, doc: "RGB colour transparent pixels are composited on."),
        .bool("exif_orientation", \.exifOrientation, doc: "Apply the EXIF orientation of JPEGs (and of PNG eXIf and WebP EXIF chunks)."),
        .bool("reduced_decode", \.reducedDecode, doc: "Decode JPEGs at 1/2, 1/4 or 1/8 scale when the target is that much smaller (libjpeg-turbo DCT scaling)."),
        .floatList("mean", \.mean, range: -1000...1000, count: 3...3, doc: "Per-channel mean subtracted after scaling pixels to 0…1."),
        .floatList("std", \.std, range: 0.000001...1000, count: 3...3, doc: "Per-channel deviation the pixels are divided by."),
        // Each layer's keys are read by the spec; in JSON a layer is its own Codable mapping.
        .custom("layers", \.layers, doc: "The convolution stack: per layer Conv2d + ReLU + optional max pooling; then global average pooling."),
        .optionalInt("projection", \.projection, range: 1...4096, doc: "Width of a linear projection after pooling; none: the last layer's channels are the output."),
    ])
}
