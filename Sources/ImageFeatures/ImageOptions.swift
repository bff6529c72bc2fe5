import TensorCore

/// Every knob of the image extractor, as the pipeline file's `features.image` section holds them.
///
/// Its keys, with their ranges and docs, are listed once in `ImageOptions.keys`; `validate()`
/// reports every problem at once. The struct is plain data: the extractor is usable without YAML.
public struct ImageOptions: Sendable, Equatable {
    /// Target size `[height, width]` every image is resized to (stretching, no crop).
    /// Default `[64, 64]`; each side 1...4096.
    public var size: [Int]
    /// Resampling filter for the resize. Default `.bilinear` (antialiased, as Pillow's).
    public var resize: ResizeFilter
    /// Largest width × height accepted, checked before any pixel buffer is allocated.
    /// Default 50,000,000; range 1...2^31.
    public var maxPixels: Int
    /// Largest file size in bytes accepted, checked before the file is read.
    /// Default 100 MiB; range 1...2^40.
    public var maxBytes: Int
    /// Background `[r, g, b]` (0...255 each) that transparent pixels are composited on.
    /// Default white `[255, 255, 255]`.
    public var background: [Int]
    /// Apply the EXIF orientation tag (JPEG APP1, PNG eXIf, WebP EXIF), as `ImageOps.exif_transpose`.
    /// Default `true`.
    public var exifOrientation: Bool
    /// Decode JPEGs at 1/2, 1/4 or 1/8 scale (libjpeg DCT scaling) when the result still covers
    /// the target size, then resize. Default `true`.
    public var reducedDecode: Bool
    /// Per-channel mean and standard deviation on the 0...1 scale: x = (p/255 − mean) / std.
    /// Defaults are ImageNet's; std entries must be > 0.
    public var mean: [Float]
    public var std: [Float]
    /// The convolution stack, one entry per layer (Conv2d + ReLU [+ MaxPool]). At least one layer.
    public var layers: [ConvLayerSpec]
    /// Output size of an optional linear projection after global average pooling; `nil` keeps the
    /// last layer's channel count. Range 1...4096.
    public var projection: Int?

    public init(
        size: [Int] = [64, 64], resize: ResizeFilter = .bilinear, maxPixels: Int = 50_000_000,
        maxBytes: Int = 100 << 20, background: [Int] = [255, 255, 255], exifOrientation: Bool = true,
        reducedDecode: Bool = true, mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225],
        layers: [ConvLayerSpec] = ConvLayerSpec.defaultStack, projection: Int? = nil
    ) {
        self.size = size; self.resize = resize; self.maxPixels = maxPixels; self.maxBytes = maxBytes
        self.background = background; self.exifOrientation = exifOrientation; self.reducedDecode = reducedDecode
        self.mean = mean; self.std = std; self.layers = layers; self.projection = projection
    }

    /// Every key at its default.
    public init() { self.init(projection: nil) }

    public var height: Int { size[0] }
    public var width: Int { size[1] }

    /// Every problem with these options, as `key: what is wrong (hint)`; empty when valid. Values
    /// outside their key's range come from `ImageOptions.keys`; the layers check themselves.
    public func validate() -> [String] {
        var problems = Self.keys.problems(self)
        if layers.isEmpty { problems.append("layers: at least one convolution layer is needed") }
        for (i, layer) in layers.enumerated() { problems += layer.validate().map { "layers[\(i)].\($0)" } }
        if problems.isEmpty, let shrunk = ConvStackGeometry(options: self).firstEmptyLayer {
            problems.append("layers[\(shrunk)]: the feature map is empty at size \(size) (use fewer pooling layers or a larger size)")
        }
        return problems
    }

    /// What the cached 8-bit pixels depend on: part of the per-item cache key.
    public var preprocessingFingerprint: String {
        "image-v1 size=\(size) resize=\(resize.rawValue) background=\(background) exif=\(exifOrientation) reduced=\(reducedDecode)"
    }
}

/// One convolution layer of the stack: Conv2d(kernel, stride, padding) → ReLU → MaxPool(pool).
public struct ConvLayerSpec: Sendable, Codable, Equatable {
    /// Output channels, 1...1024.
    public var conv: Int
    /// Square kernel size, 1...15. Default 3.
    public var kernel: Int
    /// Stride, 1...kernel. Default 1.
    public var stride: Int
    /// Zero padding on each side, 0...kernel−1. Default kernel/2 ("same" for odd kernels at stride 1).
    public var padding: Int
    /// Max-pooling window and stride after the ReLU; 1 means no pooling. Default 1; range 1...8.
    public var pool: Int

    public init(conv: Int, kernel: Int = 3, stride: Int = 1, padding: Int? = nil, pool: Int = 1) {
        self.conv = conv; self.kernel = kernel; self.stride = stride
        self.padding = padding ?? kernel / 2; self.pool = pool
    }

    /// The YAML keys one layer entry accepts.
    public static let knownKeys = CodingKeys.allCases.map(\.stringValue)

    enum CodingKeys: String, CodingKey, CaseIterable { case conv, kernel, stride, padding, pool }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kernel = try c.decodeIfPresent(Int.self, forKey: .kernel) ?? 3
        self.init(
            conv: try c.decode(Int.self, forKey: .conv), kernel: kernel,
            stride: try c.decodeIfPresent(Int.self, forKey: .stride) ?? 1,
            padding: try c.decodeIfPresent(Int.self, forKey: .padding),
            pool: try c.decodeIfPresent(Int.self, forKey: .pool) ?? 1)
    }

    /// The pipeline file's example stack: 16, 32, 64 channels, 3×3 kernels, pooling after the first two.
    public static let defaultStack = [
        ConvLayerSpec(conv: 16, pool: 2), ConvLayerSpec(conv: 32, pool: 2), ConvLayerSpec(conv: 64),
    ]

    func validate() -> [String] {
        var problems: [String] = []
        if !(1...1024).contains(conv) { problems.append("conv: \(conv) must be in 1...1024") }
        if !(1...15).contains(kernel) { problems.append("kernel: \(kernel) must be in 1...15") }
        if !(1...max(kernel, 1)).contains(stride) { problems.append("stride: \(stride) must be in 1...kernel") }
        if !(0...max(kernel - 1, 0)).contains(padding) { problems.append("padding: \(padding) must be in 0...kernel-1") }
        if !(1...8).contains(pool) { problems.append("pool: \(pool) must be in 1...8 (1 = no pooling)") }
        return problems
    }
}

/// Resampling filters, with Pillow's definitions and supports (Pillow `Image.Resampling`).
public enum ResizeFilter: String, Sendable, Codable, CaseIterable, OptionChoice {
    /// Box filter: each output pixel is the area average of the input it covers (Pillow BOX).
    case area
    /// Triangle filter widened by the scale factor when shrinking (Pillow BILINEAR).
    case bilinear
    /// Keys cubic, a = −0.5 (Pillow BICUBIC).
    case bicubic
    /// Lanczos, 3 lobes (Pillow LANCZOS).
    case lanczos
}
