import Foundation
import ImageFeatures
import TestSupport

/// The committed corpus written by scripts/golden/image_decode.py and what Pillow made of it.
struct DecodeGolden: Decodable {
    struct Entry: Decodable {
        let file: String
        let kind: String
        let width: Int
        let height: Int
        let mean_rgb: [Double]
        let block_means: [[Double]]
        let channels: Int
        let bit_depth: Int
        let color_model: String
        let interlaced: Bool?
        let alpha: Bool?
        let orientation: Int?
        let subsampling: String?
        let arithmetic: Bool?
        let restart: Bool?
        let warnings: Bool?
    }
    struct Rejected: Decodable {
        let file: String
        let error_class: String
        let message_contains: String
    }
    let images: [Entry]
    let rejected: [Rejected]

    static let shared: DecodeGolden = try! Repository.golden("image/decode.json")
}

/// The WebP corpus written by scripts/golden/image_webp.py and Pillow's decoded RGB bytes.
struct WebPGolden: Decodable {
    struct Entry: Decodable {
        let file: String
        let width: Int
        let height: Int
        let color_model: String
        let alpha: Bool?
        let animated: Bool?
        let frames: Int?
        let orientation: Int?
        let rgb_base64: String
        var rgb: [UInt8] { [UInt8](Data(base64Encoded: rgb_base64)!) }
    }
    let libwebp: String
    let images: [Entry]
    let rejected: [DecodeGolden.Rejected]

    static let shared: WebPGolden = try! Repository.golden("image/webp.json")
}

enum Media {
    static func url(_ name: String) -> URL { Repository.fixture("media/images/\(name)") }
}

/// Means of an n × n grid of blocks (n = min(4, height, width)), as the generator computes them.
func blockMeans(_ image: RGBImage) -> [[Double]] {
    let n = min(4, image.height, image.width)
    var out: [[Double]] = []
    for by in 0..<n {
        for bx in 0..<n {
            var sums = [0.0, 0.0, 0.0]
            var count = 0.0
            for y in (by * image.height / n)..<((by + 1) * image.height / n) {
                for x in (bx * image.width / n)..<((bx + 1) * image.width / n) {
                    for c in 0..<3 { sums[c] += Double(image.pixels[(y * image.width + x) * 3 + c]) }
                    count += 1
                }
            }
            out.append(sums.map { $0 / count })
        }
    }
    return out
}

func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
