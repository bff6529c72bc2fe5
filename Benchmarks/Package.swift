// swift-tools-version: 6.1
// Benchmarks live in their own package so that `swift build` / `swift test` of the product never
// build them. Run from this folder: `swift run -c release <target> …` (see docs/benchmarks.md).
import PackageDescription

let package = Package(
    name: "PipelineBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "pipeline", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // MARK: Kernels (ordo-one/benchmark): `swift package benchmark --target Kernels`
        .executableTarget(
            name: "Kernels",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"), "RawBLAS", "FusionWorkload",
                .product(name: "TensorCore", package: "pipeline"), .product(name: "NeuralNet", package: "pipeline"),
                .product(name: "AudioFeatures", package: "pipeline"), .product(name: "ImageFeatures", package: "pipeline"),
                .product(name: "TextFeatures", package: "pipeline"),
            ],
            path: "Kernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // cblas_sgemm itself, to measure our matmul against the raw library.
        .systemLibrary(name: "RawBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // MARK: Throughput drivers compared side by side with Python peers by scripts/bench-peers
        .target(name: "BenchSupport"),
        .executableTarget(name: "BenchAudio", dependencies: ["BenchSupport", .product(name: "AudioFeatures", package: "pipeline")]),
        .target(
            name: "FusionWorkload",
            dependencies: [.product(name: "Recommender", package: "pipeline"), .product(name: "NeuralNet", package: "pipeline"),
                           .product(name: "TensorCore", package: "pipeline")]),
        .executableTarget(name: "BenchMatmul", dependencies: ["BenchSupport", "RawBLAS", .product(name: "TensorCore", package: "pipeline")]),
        .executableTarget(name: "BenchFusion", dependencies: ["BenchSupport", "FusionWorkload", .product(name: "TensorCore", package: "pipeline")]),
        .executableTarget(
            name: "BenchTrainStep",
            dependencies: ["BenchSupport", .product(name: "NeuralNet", package: "pipeline"), .product(name: "TensorCore", package: "pipeline")]),
        .executableTarget(
            name: "BenchText",
            dependencies: ["BenchSupport", .product(name: "TextFeatures", package: "pipeline"), .product(name: "TensorCore", package: "pipeline")]),
        .executableTarget(name: "BenchImage", dependencies: ["BenchSupport",
            .product(name: "ImageFeatures", package: "pipeline"), .product(name: "NeuralNet", package: "pipeline"),
            .product(name: "TensorCore", package: "pipeline")]),
    ]
)
