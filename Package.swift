// swift-tools-version:5.9
import PackageDescription

// Release builds: whole-module optimization is SwiftPM's default in release;
// -Ounchecked drops bounds and overflow checks from the numeric hot loops.
//
// On x86-64 the Swift code is compiled for AVX2 and FMA (Haswell, 2013, and every x86-64 CPU
// since; `-target-cpu haswell`), so the element-wise loops run eight lanes wide with fused
// multiply-adds (LAS_FMA) instead of SSE2's four. A startup check (CKernels/cpu_check.c) stops
// with a clear message on older CPUs; `LAS_PORTABLE=1 swift build` builds for any x86-64.
#if arch(x86_64)
let portable = Context.environment["LAS_PORTABLE"].map { !$0.isEmpty && $0 != "0" } ?? false
#else
let portable = true
#endif
let optimized: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    + (portable ? [] : [.unsafeFlags(["-target-cpu", "haswell"]), .define("LAS_FMA")])
let kernelSettings: [CSetting] = [.unsafeFlags(["-O3"], .when(configuration: .release))]
    + (portable ? [] : [.define("LAS_REQUIRES_AVX2_FMA")])

let package = Package(
    name: "LAS",
    products: [
        .library(name: "LASKit", targets: ["LASKit"]),
        .executable(name: "las", targets: ["las"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSampleRate", path: "Sources/CSampleRate", pkgConfig: "samplerate",
                       providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Plots (attention, training curves) as PNG and SVG through one drawing path.
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        // The one kernel OpenBLAS lacks: products against a weight packed once (packed_gemm.h).
        .target(name: "CKernels", cSettings: kernelSettings),
        // Open MPI, loaded with dlopen only when mpirun launched the process (mpi_loader.h).
        .target(name: "CMPILoader", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "LASKit",
                dependencies: ["CSndFile", "CSampleRate", "CFFTW", "COpenBLAS", "CCairo", "CKernels", "CMPILoader"],
                swiftSettings: optimized),
        .executableTarget(name: "las",
                          dependencies: ["LASKit",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimized),
        .testTarget(name: "LASKitTests", dependencies: ["LASKit"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "LASCommandTests", dependencies: ["las", "LASKit"]),
    ]
)
