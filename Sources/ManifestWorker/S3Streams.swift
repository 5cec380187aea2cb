import AWSLite
import Foundation
import ManifestKit
import S3ByteStreams

/// `s3://bucket/key` as a manifest's destination or source (docs/cli.md, "S3"),
/// plugged in behind ``Endpoints``.
///
/// - A sink streams by multipart upload (5 MiB parts) with a SHA-256 checksum on every
///   part while the manifest is written (a manifest smaller than one part is sent by one PutObject at
///   the end); the object exists only once `finish()` completed the upload. `abort()`,
///   any failure, and SIGTERM/SIGINT (see ``InterruptGuard``) abort the upload.
/// - A source streams the object with ranged GETs, one chunk in memory at a time.
///
/// Both are the `S3ByteStreams` module's (shared with the orchestrator), wrapped here
/// for the worker's interrupt handling and messages.
///
/// AWS settings come from the environment `main.swift` hands in, through
/// `AWSClientConfiguration.fromEnvironment`: region, the credential chain, endpoint
/// overrides. Every failure is a ``CLIError`` naming the `s3://` address.
enum S3Streams {
    /// Parts of S3's minimum size (5 MiB): the least memory, and 10,000 parts still
    /// hold a 48 GiB manifest (some 800 million entries).
    static let partSize = S3MultipartWriter.minimumPartSize

    /// Parses `spec` as `s3://bucket/key`.
    static func location(_ spec: String) throws -> S3Location {
        guard let location = S3Location(url: spec) else {
            throw CLIError(spec, "not an S3 object address (expected s3://bucket/key)")
        }
        return location
    }

    /// A sink writing the object `spec`.
    static func sink(for spec: String, environment: [String: String]) throws -> any ByteSink {
        let location = try location(spec)
        let s3 = try client(for: spec, environment: environment)
        let contentType = location.key.hasSuffix(".gz") ? "application/gzip"
            : location.key.hasSuffix(".ndjson") ? "application/x-ndjson" : "application/octet-stream"
        let writer = s3.multipartWriter(bucket: location.bucket, key: location.key, contentType: contentType, partSize: partSize)
        return GuardedS3Sink(spec: spec, writer: writer)
    }

    /// A source reading the object `spec` (fails here when it does not exist).
    static func source(for spec: String, environment: [String: String]) throws -> any ByteSource {
        let location = try location(spec)
        let s3 = try client(for: spec, environment: environment)
        do {
            return NamedS3Source(spec: spec, source: try S3ObjectSource(client: s3, bucket: location.bucket, key: location.key))
        } catch {
            throw CLIError(spec, reason(error))
        }
    }

    private static func client(for spec: String, environment: [String: String]) throws -> S3Client {
        do {
            return try S3Client(configuration: AWSClientConfiguration.fromEnvironment(environment))
        } catch {
            throw CLIError(spec, reason(error))
        }
    }

    /// An AWS error as it reads in logs: `s3.UploadPart NoSuchBucket: … (HTTP 404, request id …)`.
    static func reason(_ error: any Error) -> String {
        if let error = error as? CLIError { return error.why }
        return (error as? AWSError)?.description ?? "\(error)"
    }
}

/// The shared `S3ObjectSink` as the worker's output: watched by ``InterruptGuard`` (a
/// signal aborts the upload) until it completed or was discarded, its failures
/// ``CLIError``s naming the `s3://` address.
final class GuardedS3Sink: ByteSink {
    let spec: String
    private let sink: S3ObjectSink
    private var registration: InterruptGuard.Registration?

    init(spec: String, writer: S3MultipartWriter) {
        self.spec = spec
        self.sink = S3ObjectSink(writer: writer)
        self.registration = InterruptGuard.shared.register(writer, name: spec)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try sink.write(bytes)
        } catch {
            InterruptGuard.shared.parkIfInterrupted()
            release()
            throw CLIError(spec, S3Streams.reason(error))
        }
    }

    /// Completes the upload: the object exists from here on.
    func finish() throws {
        defer { release() }
        do {
            try sink.finish()
        } catch {
            InterruptGuard.shared.parkIfInterrupted()
            throw CLIError(spec, S3Streams.reason(error))
        }
    }

    /// Aborts the upload: no object, no stored parts.
    func abort() {
        sink.abort()
        release()
    }

    private func release() {
        if let registration { InterruptGuard.shared.unregister(registration) }
        registration = nil
    }
}

/// The shared `S3ObjectSource` as the worker's input: its failures ``CLIError``s
/// naming the `s3://` address.
final class NamedS3Source: ByteSource {
    let spec: String
    private let source: S3ObjectSource

    init(spec: String, source: S3ObjectSource) {
        self.spec = spec
        self.source = source
    }

    var name: String { spec }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try source.read(into: buffer)
        } catch {
            throw CLIError(spec, S3Streams.reason(error))
        }
    }
}
