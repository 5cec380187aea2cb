// swift-tools-version:6.0
import PackageDescription

// No package dependencies: the toolchain, Foundation, Dispatch, and three system
// libraries (OpenSSL's libcrypto and libssl, zlib) wrapped as system-library targets.
let strict: [SwiftSetting] = [
    .unsafeFlags(["-warnings-as-errors"]),
]

// Linux only (no `platforms`): ManifestKit walks with Glibc calls and pthreads, and
// uses `Atomic`/`Mutex` from the Synchronization module; no Apple platform is built.
let package = Package(
    name: "efs-backup-verifier",
    products: [
        .executable(name: "manifest-worker", targets: ["ManifestWorker"]),
        .executable(name: "orchestrator", targets: ["Orchestrator"]),
        .library(name: "ManifestKit", targets: ["ManifestKit"]),
        .library(name: "AWSLite", targets: ["AWSLite"]),
        .library(name: "Primitives", targets: ["Primitives"]),
    ],
    targets: [
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSSL", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // SHA-256, HMAC, hex, RFC 3339 and HTTP dates, JSON string escaping: the one home of
        // the primitives both ManifestKit and AWSLite use (no Foundation).
        .target(name: "Primitives", dependencies: ["CCrypto"], swiftSettings: strict),
        .target(name: "ManifestKit", dependencies: ["Primitives", "CZlib"], swiftSettings: strict),
        .target(name: "AWSLite", dependencies: ["Primitives", "CSSL"], swiftSettings: strict),
        // ManifestKit's byte streams over S3 objects (GET and multipart upload), for both executables.
        .target(name: "S3ByteStreams", dependencies: ["ManifestKit", "AWSLite"], swiftSettings: strict),
        // Test-only helpers (a loopback HTTP server, process runners); not a product.
        .target(name: "TestSupport", dependencies: [], swiftSettings: strict),
        // The git commit a build comes from, for --version and the manifest header
        // (a plugin of this package, not a dependency: it runs /bin/sh and git).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(name: "ManifestWorker", dependencies: ["ManifestKit", "AWSLite", "S3ByteStreams"], swiftSettings: strict,
                          plugins: ["BuildInfo"]),
        .target(name: "OrchestratorKit", dependencies: ["ManifestKit", "AWSLite", "S3ByteStreams"], swiftSettings: strict),
        .executableTarget(name: "Orchestrator", dependencies: ["OrchestratorKit"], swiftSettings: strict, plugins: ["BuildInfo"]),
        // libFuzzer targets in one executable (docs/fuzzing.md; scripts/fuzz builds it
        // with -sanitize=fuzzer,address). Debug builds only: it uses @testable imports.
        .executableTarget(name: "FuzzTargets", dependencies: ["ManifestKit", "AWSLite", "OrchestratorKit"], swiftSettings: strict),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"], swiftSettings: strict),
        .testTarget(name: "ManifestKitTests", dependencies: ["ManifestKit", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "AWSLiteTests", dependencies: ["AWSLite", "TestSupport"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "S3ByteStreamsTests", dependencies: ["S3ByteStreams", "ManifestKit", "AWSLite", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ManifestWorkerTests", dependencies: ["ManifestWorker", "ManifestKit", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "OrchestratorTests", dependencies: ["ManifestKit", "AWSLite", "OrchestratorKit", "TestSupport"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "IntegrationTests", dependencies: ["ManifestKit", "AWSLite", "TestSupport"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
