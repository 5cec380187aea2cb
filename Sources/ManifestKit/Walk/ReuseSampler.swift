/// Which reusable files a walk with a reuse manifest reads anyway: a fraction
/// chosen per path by a seeded hash, so the choice is the same for the same seed
/// and path on every run, machine and thread (tests name the sampled paths
/// exactly; a verification can be repeated), and different seeds spread the
/// reads over the whole tree in turn.
///
/// The hash: `h = mix(seed)`, then for each path byte `h = (h ^ byte) × 0x100000001b3`
/// (FNV-1a's step, 64-bit wrapping), then `mix(h)`, where `mix` is SplitMix64's
/// finalizer. A path is sampled when `h < fraction × 2^64` (every path at 1, none at 0).
public struct ReuseSampler: Sendable, Equatable {
    /// 0 … 1.
    public let fraction: Double
    public let seed: UInt64
    private let threshold: UInt64
    private let all: Bool

    /// The default fraction of reusable files read anyway: 1 %.
    public static let defaultFraction = 0.01

    /// - Throws: `ManifestKitError(.invalidArgument)` unless `0 ≤ fraction ≤ 1`.
    public init(fraction: Double, seed: UInt64) throws {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
            throw ManifestKitError(.invalidArgument, subject: "rehash sample", reason: "must be a number from 0 to 1 (got \(fraction))")
        }
        self.fraction = fraction
        self.seed = seed
        all = fraction >= 1
        // fraction < 1 here, so the product is below 2^64 and converts without trapping.
        let scaled = fraction * 0x1p64
        threshold = all || scaled >= 0x1p64 ? .max : UInt64(scaled)
    }

    /// Whether the reusable file at `path` is read anyway.
    public func isSampled(_ path: [UInt8]) -> Bool {
        if all { return true }
        return Self.hash(path, seed: seed) < threshold
    }

    /// The seeded path hash (see the type's description).
    public static func hash(_ path: [UInt8], seed: UInt64) -> UInt64 {
        var h = mix(seed)
        for byte in path { h = (h ^ UInt64(byte)) &* 0x100000001b3 }
        return mix(h)
    }

    /// SplitMix64's finalizer.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e3779b97f4a7c15
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
