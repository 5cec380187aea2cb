import ManifestKit

/// Opens a manifest argument of `diff`, `show`, `check`, `join`, `plan-shards`
/// and `--expect`: a manifest (a file, `-` or `s3://bucket/key`) or a manifest
/// set (`*.set.json`, local or `s3://`), whose parts are read in order as one
/// manifest (``ManifestSetReader``) — never joined first.
enum ManifestInputs {
    /// The largest plan file or set index read (both are small: a line per shard).
    static let maxIndexBytes = 16 << 20

    /// True when `spec` names a set index.
    static func isSet(_ spec: String) -> Bool { spec.hasSuffix(".set.json") }

    static func open(_ spec: String, environment: [String: String]) throws -> any ManifestStream {
        let source = { (location: String) throws -> ByteSource in try Endpoints.source(for: location, environment: environment) }
        guard isSet(spec) else { return try ManifestReader(source: try source(spec)) }
        let set = try ManifestSet.decode(try smallFile(spec, environment: environment), name: spec)
        return try ManifestSetReader(set: set, name: spec, open: source)
    }

    /// Reads `spec` whole and returns its header and trailer.
    static func validate(_ spec: String, environment: [String: String]) throws -> ManifestSummary {
        var stream = try open(spec, environment: environment)
        while try stream.next() != nil {}
        guard let trailer = stream.trailer else {
            throw ManifestKitError(.invalidManifest, subject: stream.name, reason: "no trailer")
        }
        return ManifestSummary(header: stream.header, trailer: trailer)
    }

    /// The bytes of a small file (a plan or a set index), local or `s3://`.
    static func smallFile(_ spec: String, environment: [String: String]) throws -> [UInt8] {
        let source = try Endpoints.source(for: spec, environment: environment)
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            guard out.count + n <= maxIndexBytes else {
                throw ManifestKitError(.invalidManifest, subject: spec, reason: "longer than \(maxIndexBytes) bytes (not a plan or set index)")
            }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    /// `stream` decoded ahead on its own thread (``PrefetchingEntrySource``).
    static func prefetching<S: ManifestStream>(_ stream: S) -> any ManifestEntrySource {
        PrefetchingEntrySource(stream)
    }
}
