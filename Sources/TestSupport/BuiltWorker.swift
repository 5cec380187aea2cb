import Foundation

/// Where tests find the built `manifest-worker`.
public enum BuiltWorker {
    /// The `manifest-worker` executable next to the running test bundle (the
    /// build products directory), or `EBV_TEST_BINARY` when set;
    /// `manifest-worker-not-found` when there is none, so that running it fails
    /// with that name.
    public static let path: String = {
        if let path = ProcessInfo.processInfo.environment["EBV_TEST_BINARY"] { return path }
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        for directory in candidates {
            let path = directory.appendingPathComponent("manifest-worker").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "manifest-worker-not-found"
    }()
}
