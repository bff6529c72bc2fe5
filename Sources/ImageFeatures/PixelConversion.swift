/// Conversions from a decoder's raw output to 8-bit RGB.
enum PixelConversion {
    /// RGBA → RGB composited on `background`: out = (c·a + bg·(255 − a)) / 255, rounded.
    ///
    /// Straight (non-premultiplied) alpha, as PNG stores it; the result equals Pillow's
    /// `Image.alpha_composite` on an opaque background to within one level.
    static func compositeRGBA(_ rgba: UnsafeBufferPointer<UInt8>, background: [Int], into out: UnsafeMutableBufferPointer<UInt8>) {
        let pixels = rgba.count / 4
        precondition(out.count == pixels * 3, "composite: \(pixels) pixels need \(pixels * 3) bytes, got \(out.count)")
        let br = UInt32(background[0]), bg = UInt32(background[1]), bb = UInt32(background[2])
        for i in 0..<pixels {
            let a = UInt32(rgba[i * 4 + 3]), na = 255 - a
            out[i * 3] = divide255(UInt32(rgba[i * 4]) * a + br * na)
            out[i * 3 + 1] = divide255(UInt32(rgba[i * 4 + 1]) * a + bg * na)
            out[i * 3 + 2] = divide255(UInt32(rgba[i * 4 + 2]) * a + bb * na)
        }
    }

    /// A new RGB array: `rgba` composited on `background` (`compositeRGBA`).
    static func compositedRGB(_ rgba: [UInt8], background: [Int]) -> [UInt8] {
        let pixels = rgba.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixels * 3) { out, count in
            rgba.withUnsafeBufferPointer { compositeRGBA($0, background: background, into: out) }
            count = pixels * 3
        }
    }

    /// Adobe-inverted CMYK (what libjpeg returns for CMYK and YCCK streams) → RGB.
    ///
    /// Pillow reads every 4-channel JPEG as "CMYK;I" (c = 255 − stored) and converts with
    /// r = (255 − k) − (c · (255 − k)) / 255; the same integer formula is used here, so the
    /// output equals Pillow's `convert("RGB")` exactly.
    static func invertedCMYKToRGB(_ cmyk: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        let pixels = cmyk.count / 4
        precondition(out.count == pixels * 3, "CMYK: \(pixels) pixels need \(pixels * 3) bytes, got \(out.count)")
        for i in 0..<pixels {
            let nk = UInt32(cmyk[i * 4 + 3])
            for c in 0..<3 {
                let ink = 255 - UInt32(cmyk[i * 4 + c])
                out[i * 3 + c] = UInt8(nk - UInt32(divide255(ink * nk)))
            }
        }
    }

    /// x / 255 rounded half up, exact for x ≤ 255·255 (Pillow's MULDIV255).
    @inline(__always)
    static func divide255(_ x: UInt32) -> UInt8 {
        let t = x + 128
        return UInt8(truncatingIfNeeded: ((t >> 8) + t) >> 8)
    }
}
