import TestSupport

/// PyTorch forward/backward values for the NHWC layers, written by scripts/golden/image_conv.py.
struct ConvGolden: Decodable {
    struct Conv: Decodable {
        let n, h, w, cin, cout, kernel, stride, padding: Int
        let x, weight, bias, y, dy, dx, dweight, dbias: [Float]
        let y_shape: [Int]
    }
    struct Pool: Decodable {
        let n, h, w, c, kernel, stride: Int
        let x, y, dy, dx: [Float]
        let y_shape: [Int]
    }
    struct Average: Decodable {
        let n, h, w, c: Int
        let x, y, dy, dx: [Float]
    }
    let conv: [Conv]
    let maxpool: [Pool]
    let gap: [Average]

    static let shared: ConvGolden = try! Repository.golden("image/conv.json")
}

