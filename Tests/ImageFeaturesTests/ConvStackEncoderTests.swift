import Foundation
import ImageFeatures
import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite struct ConvStackEncoderTests {
    struct StackGolden: Decodable {
        struct Stack: Decodable {
            let size: [Int]
            let layers: [ConvLayerSpec]
            let projection: Int
            let x, y, dy, dx: [Float]
            let parameters, gradients: [[Float]]
        }
        let stack: Stack
    }

    static let golden = (try! Repository.golden("image/conv.json", as: StackGolden.self)).stack

    /// The whole stack (conv, ReLU, pool, stride 2, 5×5 kernel, GAP, projection) against PyTorch.
    @Test func forwardAndBackwardMatchPyTorch() throws {
        let g = Self.golden
        let options = ImageOptions(size: g.size, layers: g.layers, projection: g.projection)
        var rng = SeededGenerator(seed: 1)
        let encoder = ConvStackEncoder(options: options, rng: &rng)
        #expect(encoder.parameters.count == g.parameters.count)
        for (p, values) in zip(encoder.parameters, g.parameters) { p.value = Tensor(shape: p.value.shape, storage: values) }
        let x = Tensor(shape: [3, g.size[0], g.size[1], 3], storage: g.x)
        let y = encoder.forward(x)
        #expect(y.shape == [3, g.projection])
        let fc = closeness(y.storage, g.y, absolute: 1e-4, relative: 0)
        #expect(fc.ok, "forward: \(fc.detail)")
        // infer runs the batch in groups of two images: the same sums, possibly other sgemm tiles.
        #expect(closeness(encoder.infer(x).storage, y.storage, absolute: 1e-6, relative: 1e-6).ok)
        let dx = encoder.backward(Tensor(shape: y.shape, storage: g.dy))
        #expect(closeness(dx.storage, g.dx, absolute: 1e-4, relative: 1e-4).ok)
        for (p, expected) in zip(encoder.parameters, g.gradients) {
            let c = closeness(p.grad.storage, expected, absolute: 1e-4, relative: 1e-4)
            #expect(c.ok, "\(p.name): \(c.detail)")
        }
    }

    @Test func defaultStackGives64DimensionsAndIsSeeded() {
        var a = SeededGenerator(seed: 42, stream: "image"), b = SeededGenerator(seed: 42, stream: "image")
        let e1 = ConvStackEncoder(options: ImageOptions(), rng: &a), e2 = ConvStackEncoder(options: ImageOptions(), rng: &b)
        #expect(e1.outputDimension == 64)
        #expect(e1.parameters.map(\.value) == e2.parameters.map(\.value))
        #expect(e1.parameters.map(\.name) == ["image.conv0.weight", "image.conv0.bias", "image.conv1.weight", "image.conv1.bias",
                                              "image.conv2.weight", "image.conv2.bias"])
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.normal(shape: [2, 64, 64, 3], using: &rng)
        #expect(e1.infer(x).shape == [2, 64])
    }

    /// A frozen stack keeps the weights it was made with (its scratch copies them for the direct
    /// kernel): after a training step, a new snapshot sees the new weights and the old one does not.
    @Test func snapshotKeepsItsWeightsAndANewOneSeesTrainedWeights() {
        var rng = SeededGenerator(seed: 6)
        let encoder = ConvStackEncoder(options: ImageOptions(size: [24, 24]), rng: &rng)
        let x = Tensor.normal(shape: [3, 24, 24, 3], using: &rng)
        let old = encoder.frozen()
        let before = old.infer(x)
        for p in encoder.parameters { p.value = p.value * 1.5 }
        let after = encoder.infer(x)
        #expect(after != before)
        #expect(old.infer(x) == before)
        #expect(closeness(after.storage, encoder.forward(x).storage, absolute: 1e-6, relative: 1e-6).ok)
    }

    /// Frozen extraction from several threads (one shared snapshot) gives the same bytes as one thread.
    @Test func frozenInferIsThreadSafe() async {
        var rng = SeededGenerator(seed: 5)
        let encoder = ConvStackEncoder(options: ImageOptions(size: [24, 24]), rng: &rng)
        let inputs = (0..<8).map { _ in Tensor.normal(shape: [2, 24, 24, 3], using: &rng) }
        let sequential = inputs.map { encoder.infer($0) }
        let frozen = encoder.frozen()
        let parallel = await withTaskGroup(of: (Int, Tensor).self) { group in
            for (i, x) in inputs.enumerated() { group.addTask { (i, frozen.infer(x)) } }
            var out = [Tensor?](repeating: nil, count: inputs.count)
            for await (i, y) in group { out[i] = y }
            return out.map { $0! }
        }
        #expect(parallel == sequential)
    }

    /// End-to-end training: plain SGD on a regression target lowers the loss and moves every parameter.
    @Test func trainingLowersTheLossAndUpdatesEveryParameter() {
        var rng = SeededGenerator(seed: 8)
        let options = ImageOptions(size: [12, 12], layers: [ConvLayerSpec(conv: 6, pool: 2), ConvLayerSpec(conv: 8)], projection: 3)
        let encoder = ConvStackEncoder(options: options, rng: &rng)
        let x = Tensor.normal(shape: [6, 12, 12, 3], using: &rng)
        let target = Tensor.normal(shape: [6, 3], using: &rng)
        let before = encoder.parameters.map(\.value)
        func step() -> Float {
            encoder.parameters.forEach { $0.zeroGrad() }
            let diff = encoder.forward(x) - target
            _ = encoder.backward(diff * (2 / Float(diff.count)))
            for p in encoder.parameters { p.value.addScaled(p.grad, by: -0.05) }
            return (diff * diff).mean()
        }
        let first = step()
        var last = first
        for _ in 0..<60 { last = step() }
        #expect(last < first * 0.5, "loss \(first) → \(last)")
        for (p, old) in zip(encoder.parameters, before) { #expect(p.value != old, "\(p.name) never moved") }
    }
}

@Suite struct ImageOptionsTests {
    @Test func missingKeysTakeTheirDefaults() throws {
        let json = #"{"size": [32, 48], "layers": [{"conv": 8}, {"conv": 16, "kernel": 5, "pool": 2}], "max_pixels": 1000}"#
        let options = try JSONDecoder().decode(ImageOptions.self, from: Data(json.utf8))
        #expect(options.height == 32 && options.width == 48 && options.maxPixels == 1000)
        #expect(options.layers == [ConvLayerSpec(conv: 8, kernel: 3, stride: 1, padding: 1, pool: 1),
                                   ConvLayerSpec(conv: 16, kernel: 5, stride: 1, padding: 2, pool: 2)])
        #expect(options.background == [255, 255, 255] && options.exifOrientation && options.resize == .bilinear)
        #expect(options.validate().isEmpty)
        let again = try JSONDecoder().decode(ImageOptions.self, from: JSONEncoder().encode(options))
        #expect(again == options)
        #expect(ImageOptions.keys.names.sorted() == ["background", "exif_orientation", "layers", "max_bytes", "max_pixels", "mean",
                                                     "projection", "reduced_decode", "resize", "size", "std"])
        #expect(ConvLayerSpec.knownKeys == ["conv", "kernel", "stride", "padding", "pool"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        var options = ImageOptions(size: [0, 64], background: [0, 300, 0], std: [1, 0, 1],
                                   layers: [ConvLayerSpec(conv: 8, kernel: 3, stride: 4, pool: 9)], projection: 0)
        let problems = options.validate()
        for key in ["size:", "background:", "std:", "layers[0].stride:", "layers[0].pool:", "projection:"] {
            #expect(problems.contains { $0.hasPrefix(key) }, "no problem reported for \(key): \(problems)")
        }
        options = ImageOptions(size: [8, 8], layers: [ConvLayerSpec(conv: 4, pool: 4), ConvLayerSpec(conv: 4, pool: 4)])
        #expect(options.validate() == ["layers[1]: the feature map is empty at size [8, 8] (use fewer pooling layers or a larger size)"])
    }

    @Test func fingerprintChangesWithWhatTheCachedPixelsDependOn() {
        let base = ImageOptions()
        var other = base
        other.background = [0, 0, 0]
        #expect(base.preprocessingFingerprint != other.preprocessingFingerprint)
        other = base
        other.layers = [ConvLayerSpec(conv: 3)]   // the encoder does not change the cached pixels
        #expect(base.preprocessingFingerprint == other.preprocessingFingerprint)
    }
}
