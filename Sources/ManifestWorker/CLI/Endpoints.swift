import ManifestKit

/// Maps an output or input argument (a path, `-`, or `s3://bucket/key`) to a
/// byte stream. `s3://` addresses go to ``S3Streams`` (AWS settings from
/// `environment`, the environment `main.swift` handed in).
enum Endpoints {
    static func isS3(_ spec: String) -> Bool { spec.hasPrefix("s3://") }

    /// A sink for a manifest or a findings file. `-` is stdout; `s3://bucket/key`
    /// an object uploaded while it is written (it exists only after `finish()`);
    /// anything else a local file written atomically (temporary name, renamed by `finish()`).
    static func sink(for spec: String, environment: [String: String]) throws -> any ByteSink {
        if isS3(spec) { return try S3Streams.sink(for: spec, environment: environment) }
        return spec == "-" ? StandardOutputSink() : try FileSink(path: spec)
    }

    /// A source for a manifest. `-` is stdin; `s3://bucket/key` an object, streamed.
    static func source(for spec: String, environment: [String: String]) throws -> any ByteSource {
        if isS3(spec) { return try S3Streams.source(for: spec, environment: environment) }
        return spec == "-" ? StandardInputSource() : try FileSource(path: spec)
    }
}
