import CKernels
import Foundation

/// Separable antialiased resize of 8-bit RGB images, bit-exact with Pillow's `Image.resize`.
///
/// Reference: Pillow `src/libImaging/Resample.c`. Per axis, output pixel x covers the input
/// interval centred at c = (x + 0.5)·scale, scale = in/out; when shrinking the filter is widened
/// by the scale (support = filter support · max(scale, 1)), which is what makes it antialiased.
/// Weights are normalised, converted to fixed point with 22 fraction bits, and applied
/// horizontally first (8-bit intermediate, rounded), then vertically.
///
/// On CPUs with AVX2 both passes run in CKernels' vector code (eight 32-bit sums per instruction,
/// the same integer arithmetic, so the same bytes); elsewhere in the Swift loops below.
public enum Resampler {
    static let precisionBits = 22
    static let hasVectorKernels = ck_has_avx2_fma() != 0

    /// `image` resized to width × height with `filter`.
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResizeFilter) -> RGBImage {
        resize(image, width: width, height: height, filter: filter, vectorised: hasVectorKernels)
    }

    static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResizeFilter, vectorised: Bool) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to \(width)×\(height): sizes must be positive")
        if image.width == width && image.height == height { return image }
        let horizontal = Coefficients.cached(inSize: image.width, outSize: width, filter: filter)
        let vertical = Coefficients.cached(inSize: image.height, outSize: height, filter: filter)
        var source = image
        var rowOffset = 0
        if image.width != width {
            // Only the input rows the vertical pass will read.
            let first = vertical.bounds[0], last = vertical.bounds[2 * (height - 1)] + vertical.bounds[2 * height - 1]
            source = vectorised ? horizontalPassVector(image, rows: first..<last, horizontal)
                                : horizontalPass(image, rows: first..<last, horizontal)
            rowOffset = first
        }
        if image.height != height {
            source = vectorised ? verticalPassVector(source, rowOffset: rowOffset, vertical)
                                : verticalPass(source, rowOffset: rowOffset, vertical)
        }
        return source
    }

    static func horizontalPassVector(_ image: RGBImage, rows: Range<Int>, _ c: Coefficients) -> RGBImage {
        let outWidth = c.bounds.count / 2, stride = image.width * 3
        let out = [UInt8](unsafeUninitializedCapacity: rows.count * outWidth * 3) { dst, count in
            image.pixels.withUnsafeBufferPointer { src in
                ck_resample_horizontal_rgb(src.baseAddress! + rows.lowerBound * stride, stride, src.baseAddress! + src.count,
                                           rows.count, dst.baseAddress!, outWidth, c.bounds, c.weights, c.size)
            }
            count = rows.count * outWidth * 3
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    static func verticalPassVector(_ image: RGBImage, rowOffset: Int, _ c: Coefficients) -> RGBImage {
        let outHeight = c.bounds.count / 2, rowLength = image.width * 3
        let out = [UInt8](unsafeUninitializedCapacity: outHeight * rowLength) { dst, count in
            image.pixels.withUnsafeBufferPointer { src in
                ck_resample_vertical(src.baseAddress!, rowLength, rowOffset, dst.baseAddress!, outHeight,
                                     c.bounds, c.weights, c.size)
            }
            count = outHeight * rowLength
        }
        return RGBImage(width: image.width, height: outHeight, pixels: out)
    }

    /// Fixed-point weights of one axis: output i reads inputs bounds[2i] ..< bounds[2i] + bounds[2i+1].
    struct Coefficients: Sendable {
        let size: Int           // coefficients per output (ksize)
        var bounds: [Int]
        var weights: [Int32]

        init(inSize: Int, outSize: Int, filter: ResizeFilter) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = Resampler.support(filter) * filterScale
            size = Int(support.rounded(.up)) * 2 + 1
            bounds = [Int](repeating: 0, count: outSize * 2)
            weights = [Int32](repeating: 0, count: outSize * size)
            let inverse = 1 / filterScale   // multiplied, not divided: Pillow's rounding
            var k = [Double](repeating: 0, count: size)
            for out in 0..<outSize {
                let center = (Double(out) + 0.5) * scale
                let xmin = max(Int(center - support + 0.5), 0)    // C casts truncate toward zero
                let xmax = min(Int(center + support + 0.5), inSize) - xmin
                var total = 0.0
                for x in 0..<size { k[x] = 0 }
                for x in 0..<max(xmax, 0) {
                    let w = Resampler.weight(filter, (Double(x + xmin) - center + 0.5) * inverse)
                    k[x] = w
                    total += w
                }
                for x in 0..<size {
                    let normalised = total != 0 && x < xmax ? k[x] / total : k[x]
                    let fixed = normalised * Double(1 << Resampler.precisionBits)
                    weights[out * size + x] = Int32(fixed < 0 ? -0.5 + fixed : 0.5 + fixed)
                }
                bounds[2 * out] = xmin
                bounds[2 * out + 1] = xmax
            }
        }
    }

    static func support(_ filter: ResizeFilter) -> Double {
        switch filter {
        case .area: 0.5
        case .bilinear: 1
        case .bicubic: 2
        case .lanczos: 3
        }
    }

    static func weight(_ filter: ResizeFilter, _ x: Double) -> Double {
        switch filter {
        case .area:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let a = abs(x)
            return a < 1 ? 1 - a : 0
        case .bicubic:
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .lanczos:
            func sinc(_ v: Double) -> Double { v == 0 ? 1 : sin(v * .pi) / (v * .pi) }
            return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0
        }
    }

    /// Pillow's clip8: the fixed-point sum back to 0...255.
    @inline(__always)
    static func clip8(_ v: Int32) -> UInt8 {
        if v >= Int32(1) << (precisionBits + 8) { return 255 }
        if v <= 0 { return 0 }
        return UInt8(truncatingIfNeeded: v >> Int32(precisionBits))
    }

    static func horizontalPass(_ image: RGBImage, rows: Range<Int>, _ c: Coefficients) -> RGBImage {
        let outWidth = c.bounds.count / 2, inWidth = image.width, size = c.size
        var out = [UInt8](repeating: 0, count: rows.count * outWidth * 3)
        let half = Int32(1) << Int32(precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                c.weights.withUnsafeBufferPointer { k in
                    c.bounds.withUnsafeBufferPointer { bounds in
                        let sp = src.baseAddress!, dp = dst.baseAddress!, kp = k.baseAddress!, bp = bounds.baseAddress!
                        let stride = inWidth * 3, outStride = outWidth * 3
                        // Two rows at a time: six independent sums hide the multiply-add latency.
                        var j = 0
                        while j < rows.count {
                            let pair = j + 1 < rows.count
                            let row0 = sp + (rows.lowerBound + j) * stride, row1 = pair ? row0 + stride : row0
                            let out0 = dp + j * outStride, out1 = pair ? out0 + outStride : out0
                            for x in 0..<outWidth {
                                let p0 = row0 + bp[2 * x] * 3, p1 = row1 + bp[2 * x] * 3, n = bp[2 * x + 1], kk = kp + x * size
                                var a0 = half, a1 = half, a2 = half, b0 = half, b1 = half, b2 = half
                                for i in 0..<n {
                                    let w = kk[i], o = 3 * i
                                    a0 &+= Int32(p0[o]) &* w; a1 &+= Int32(p0[o + 1]) &* w; a2 &+= Int32(p0[o + 2]) &* w
                                    b0 &+= Int32(p1[o]) &* w; b1 &+= Int32(p1[o + 1]) &* w; b2 &+= Int32(p1[o + 2]) &* w
                                }
                                out0[3 * x] = clip8(a0); out0[3 * x + 1] = clip8(a1); out0[3 * x + 2] = clip8(a2)
                                out1[3 * x] = clip8(b0); out1[3 * x + 1] = clip8(b1); out1[3 * x + 2] = clip8(b2)
                            }
                            j += 2
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    static func verticalPass(_ image: RGBImage, rowOffset: Int, _ c: Coefficients) -> RGBImage {
        let outHeight = c.bounds.count / 2, rowLength = image.width * 3, size = c.size
        var out = [UInt8](repeating: 0, count: outHeight * rowLength)
        let half = Int32(1) << Int32(precisionBits - 1)
        var sums = [Int32](repeating: 0, count: rowLength)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                c.weights.withUnsafeBufferPointer { k in
                    c.bounds.withUnsafeBufferPointer { bounds in
                        sums.withUnsafeMutableBufferPointer { s in
                            let sp = src.baseAddress!, dp = dst.baseAddress!, acc = s.baseAddress!
                            for y in 0..<outHeight {
                                let ymin = bounds[2 * y] - rowOffset, n = bounds[2 * y + 1]
                                for i in 0..<rowLength { acc[i] = half }
                                for t in 0..<n {
                                    let w = k[y * size + t], row = sp + (ymin + t) * rowLength
                                    for i in 0..<rowLength { acc[i] &+= Int32(row[i]) &* w }
                                }
                                let outRow = dp + y * rowLength
                                for i in 0..<rowLength { outRow[i] = clip8(acc[i]) }
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: outHeight, pixels: out)
    }
}

extension Resampler.Coefficients {
    private struct Key: Hashable { let inSize: Int, outSize: Int, filter: ResizeFilter }
    /// A catalog's images come in a few sizes; their weights are computed once (a few µs each).
    /// NSLock rather than Synchronization's Mutex: ThreadSanitizer sees pthread locks, not futexes.
    // @unchecked: `table` is only read and written under `lock`.
    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var table: [Key: Resampler.Coefficients] = [:]
    }
    private static let cache = Cache()
    private static let cacheLimit = 64

    static func cached(inSize: Int, outSize: Int, filter: ResizeFilter) -> Resampler.Coefficients {
        let key = Key(inSize: inSize, outSize: outSize, filter: filter)
        if let hit = cache.lock.withLock({ cache.table[key] }) { return hit }
        let made = Resampler.Coefficients(inSize: inSize, outSize: outSize, filter: filter)
        cache.lock.withLock {
            if cache.table.count >= cacheLimit { cache.table.removeAll() }
            cache.table[key] = made
        }
        return made
    }
}
