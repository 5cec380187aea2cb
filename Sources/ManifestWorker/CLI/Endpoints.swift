import ManifestKit

/// Maps an output or input argument (a path, `-`, or `s3://bucket/key`) to a
/// byte stream. This is the seam where S3 plugs in (issue 3); until then an
/// `s3://` address is a clean error.
enum Endpoints {
    static func isS3(_ spec: String) -> Bool { spec.hasPrefix("s3://") }

    /// A sink for a manifest or a findings file. `-` is stdout; anything else
    /// a local file written atomically (temporary name, renamed by `finish()`).
    static func sink(for spec: String, console: Console) throws -> any ByteSink {
        if isS3(spec) { throw CLIError(spec, "s3:// not supported yet") }
        return try Engine.makeSink(spec, console: console)
    }

    /// A source for a manifest. `-` is stdin.
    static func source(for spec: String) throws -> any ByteSource {
        if isS3(spec) { throw CLIError(spec, "s3:// not supported yet") }
        return try Engine.makeSource(spec)
    }
}
