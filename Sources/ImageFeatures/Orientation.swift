/// The EXIF orientation tag (TIFF tag 0x0112) and the transposition that undoes it.
///
/// Values follow the EXIF 2.32 specification, §4.6.4 "Orientation"; `apply` performs what
/// Pillow's `ImageOps.exif_transpose` does for each value.
public enum ExifOrientation: Int, Sendable, Codable, CaseIterable {
    case normal = 1, mirrorHorizontal, rotate180, mirrorVertical, transpose, rotate90, transverse, rotate270

    /// Orientations 5...8 exchange width and height.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The upright image. Output pixel (x′, y′) takes source pixel (x, y) as listed per case.
    public func apply(to image: RGBImage) -> RGBImage {
        if self == .normal { return image }
        let w = image.width, h = image.height
        let (ow, oh) = swapsAxes ? (h, w) : (w, h)
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for yo in 0..<oh {
                    for xo in 0..<ow {
                        let (x, y): (Int, Int)
                        switch self {
                        case .normal: (x, y) = (xo, yo)
                        case .mirrorHorizontal: (x, y) = (w - 1 - xo, yo)
                        case .rotate180: (x, y) = (w - 1 - xo, h - 1 - yo)
                        case .mirrorVertical: (x, y) = (xo, h - 1 - yo)
                        case .transpose: (x, y) = (yo, xo)
                        case .rotate90: (x, y) = (yo, h - 1 - xo)          // 90° clockwise
                        case .transverse: (x, y) = (w - 1 - yo, h - 1 - xo)
                        case .rotate270: (x, y) = (w - 1 - yo, xo)         // 90° counter-clockwise
                        }
                        let s = (y * w + x) * 3, d = (yo * ow + xo) * 3
                        dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// The orientation tag in IFD0 of TIFF-structured EXIF data (starting at "II*\0" or "MM\0*");
    /// `.normal` when the data is absent, malformed or holds a value outside 1...8.
    static func read(tiff: UnsafeBufferPointer<UInt8>) -> ExifOrientation {
        guard tiff.count >= 8 else { return .normal }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return .normal
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at]), b = Int(tiff[at + 1])
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let lo = u16(little ? at : at + 2), let hi = u16(little ? at + 2 : at) else { return nil }
            return lo | hi << 16
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return .normal }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return .normal }
            guard tag == 0x0112 else { continue }
            // SHORT as the standard says; LONG as some writers store it (Pillow accepts both).
            let value = u16(at + 2) == 3 ? u16(at + 8) : u16(at + 2) == 4 ? u32(at + 8) : nil
            return value.flatMap(ExifOrientation.init(rawValue:)) ?? .normal
        }
        return .normal
    }
}
