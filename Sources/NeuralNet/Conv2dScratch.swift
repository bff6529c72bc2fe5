/// Working memory of frozen `Conv2d` layers at given input sizes: one im2col buffer that the layers share
/// and, per layer, a zero-bordered copy of one image (its border is zeroed once, here, and never
/// written again).
///
/// Made once and reused, it spares each call the allocation (and, past glibc's mmap threshold,
/// the page faults of fresh pages); sharing the im2col buffer keeps a stack's working set small
/// enough for L2. One thread at a time.
public final class Conv2dScratch {
    struct Entry {
        /// Held, not just identified: a freed layer's address could be reused by another.
        let layer: Conv2d.Frozen
        let height: Int, width: Int
        /// Images per im2col chunk: as many as keep the buffer near `Conv2d.chunkElements` floats.
        let chunk: Int
        let padded: UnsafeMutablePointer<Float>
        /// The weights laid out tap-major for the direct kernel when this layer uses it, else nil:
        /// a copy made at init (a frozen layer's weights never change).
        let taps: UnsafeMutablePointer<Float>?
    }

    private let entries: [Entry]
    let cols: UnsafeMutablePointer<Float>

    /// Scratch for each layer on inputs of its height × width, in calls of up to `images` images.
    /// `directKernel: false` keeps every layer on im2col + sgemm (tests compare the two).
    public init(layers: [(conv: Conv2d.Frozen, height: Int, width: Int)], images: Int, directKernel: Bool = true) {
        var entries: [Entry] = [], colsCount = 0
        for (conv, height, width) in layers {
            let (ho, wo) = conv.outputSize(height: height, width: width)
            precondition(ho > 0 && wo > 0, "Conv2dScratch: input \(height)×\(width) gives an empty output")
            let perImage = ho * wo * conv.patchSize
            let chunk = max(1, min(images, Conv2d.chunkElements / max(perImage, 1)))
            colsCount = max(colsCount, chunk * perImage)
            let paddedCount = (height + 2 * conv.padding) * (width + 2 * conv.padding) * conv.inputChannels
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedCount)
            padded.initialize(repeating: 0, count: paddedCount)
            let taps = directKernel && conv.suitsDirectKernel ? UnsafeMutablePointer<Float>.allocate(capacity: conv.weight.count) : nil
            if let taps { conv.layOutTaps(into: taps) }
            entries.append(Entry(layer: conv, height: height, width: width, chunk: chunk, padded: padded, taps: taps))
        }
        self.entries = entries
        cols = .allocate(capacity: colsCount)
    }

    /// Scratch for one layer.
    public convenience init(_ conv: Conv2d.Frozen, height: Int, width: Int, images: Int, directKernel: Bool = true) {
        self.init(layers: [(conv, height, width)], images: images, directKernel: directKernel)
    }

    deinit {
        cols.deallocate()
        for entry in entries { entry.padded.deallocate(); entry.taps?.deallocate() }
    }

    /// The entry made for `conv` at height × width.
    func entry(_ conv: Conv2d.Frozen, height: Int, width: Int) -> Entry {
        guard let entry = entries.first(where: { $0.layer === conv && $0.height == height && $0.width == width })
        else { preconditionFailure("Conv2dScratch: not made for this layer at \(height)×\(width)") }
        return entry
    }
}
