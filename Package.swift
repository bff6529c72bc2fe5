// swift-tools-version: 6.1
import PackageDescription

// Numeric modules are compiled with optimisation even in debug builds: their tests run real
// decoders, FFTs and training loops, which are 10-100x slower unoptimised. Debug symbols stay.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "pipeline",
    products: [
        .executable(name: "pipeline", targets: ["pipeline"]),
        .library(name: "FeaturePipeline", targets: ["FeaturePipeline"]),
        .library(name: "Serving", targets: ["Serving"]),
        .library(name: "Recommender", targets: ["Recommender"]),
        .library(name: "TextFeatures", targets: ["TextFeatures"]),
        .library(name: "ImageFeatures", targets: ["ImageFeatures"]),
        .library(name: "AudioFeatures", targets: ["AudioFeatures"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
    ],
    // MPI: data-parallel training over Open MPI (`swift build --traits MPI`; docs/scale-out-training.md).
    // Off by default, so building, installing and running on one machine needs no MPI at all.
    traits: [
        .trait(name: "MPI", description: "Data-parallel training over Open MPI (needs libopenmpi-dev)"),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // `pipeline serve` (Sources/Serving). Hummingbird's default traits bring swift-configuration
        // in; the server is configured by the command's flags, so none is enabled.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: System libraries (module map + one header each)
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // libwebp decodes, libwebpdemux reads the container (frames of an animation, the EXIF chunk).
        .systemLibrary(name: "CWebP", pkgConfig: "libwebpdemux", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CSndfile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CMalloc"),
        // Only reached through the MPI trait; its header wraps MPI's macros (handles, types, ops) in functions.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),  // glibc's mallopt (malloc.h is not in the Glibc module)
        // libpng and libjpeg error exits longjmp; setjmp cannot be called from Swift (docs/images.md).
        .target(name: "CImageCodecs", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("jpeg")]),

        // MARK: Numeric core
        .target(name: "TensorCore", dependencies: ["COpenBLAS"], swiftSettings: optimisedInDebug),
        .target(name: "NeuralNet", dependencies: ["TensorCore", "CKernels"], swiftSettings: optimisedInDebug),
        // AVX2 + FMA kernels behind a CPU check (Swift emits baseline x86-64 only; docs/images.md).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),

        // MARK: Modality extractors
        .target(name: "TextFeatures", dependencies: ["TensorCore"], swiftSettings: optimisedInDebug),
        .target(
            name: "ImageFeatures",
            dependencies: ["TensorCore", "NeuralNet", "CImageCodecs", "CWebP", "CKernels"],
            swiftSettings: optimisedInDebug),
        .target(
            name: "AudioFeatures",
            dependencies: ["TensorCore", "CSndfile", "CFFTW", "CSoxr"],
            swiftSettings: optimisedInDebug),

        // MARK: Synthetic catalogs (fixtures, benchmarks)
        .target(
            name: "CatalogGenerator",
            dependencies: ["TensorCore", "CPNG", "CTurboJPEG", "CSndfile"],
            swiftSettings: optimisedInDebug),

        // MARK: Recommender and pipeline
        .target(name: "Recommender", dependencies: ["TensorCore", "NeuralNet"], swiftSettings: optimisedInDebug),
        .target(
            name: "FeaturePipeline",
            dependencies: [
                "TensorCore", "NeuralNet", "TextFeatures", "ImageFeatures", "AudioFeatures", "Recommender",
                "CMalloc",  // malloc_trim after each chunk of a shard (FreePages)
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),  // pipeline merge's k-way merge
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: optimisedInDebug),

        // MARK: Data-parallel training (MPI trait; without it these targets compile to nothing)
        .target(
            name: "MPITraining",
            dependencies: ["NeuralNet", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        .executableTarget(name: "MPICheck", dependencies: ["MPITraining", "NeuralNet"]),

        // MARK: Online serving (HTTP over a trained run)
        .target(
            name: "Serving",
            dependencies: [
                "FeaturePipeline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "pipeline",
            dependencies: [
                "FeaturePipeline", "Serving", "CatalogGenerator", "TensorCore", "NeuralNet", "CMalloc",
                .target(name: "MPITraining", condition: .when(traits: ["MPI"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: Fuzz targets (libFuzzer entry points; scripts/fuzz builds them with --sanitize=fuzzer)
        .target(name: "FuzzHarness", dependencies: ["FeaturePipeline", "ImageFeatures", "AudioFeatures", "Recommender"]),
        .executableTarget(name: "FuzzPNG", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzJPEG", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzWebP", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzAudio", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzSpec", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzJSONLines", dependencies: ["FuzzHarness"]),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["TensorCore", "NeuralNet"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TestSupport"]),
        .testTarget(name: "TextFeaturesTests", dependencies: ["TextFeatures", "TestSupport"]),
        .testTarget(name: "ImageFeaturesTests", dependencies: ["ImageFeatures", "TestSupport"]),
        .testTarget(name: "AudioFeaturesTests", dependencies: ["AudioFeatures", "TestSupport"]),
        .testTarget(name: "RecommenderTests", dependencies: ["Recommender", "TestSupport"]),
        .testTarget(name: "FeaturePipelineTests", dependencies: ["FeaturePipeline", "TestSupport", "FuzzHarness"]),
        .testTarget(
            name: "ServingTests",
            dependencies: ["Serving", "FeaturePipeline", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Yams", package: "Yams")]),  // Yams: docs/openapi.yaml
        .testTarget(
            name: "ScaleOutTests",
            dependencies: ["TestSupport", "FeaturePipeline", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "CatalogGeneratorTests", dependencies: ["CatalogGenerator", "TestSupport"]),
        .testTarget(
            name: "CommandLineTests",
            // CPNG: screenshots of report.html; FeaturePipeline: reading run folders; Yams: the deploy/ files
            dependencies: ["pipeline", "FeaturePipeline", "TestSupport", "CPNG", .product(name: "Yams", package: "Yams")]),
    ]
)
