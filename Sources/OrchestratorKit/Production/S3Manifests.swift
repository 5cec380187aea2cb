import AWSLite
import Foundation
import ManifestKit
import S3ByteStreams

/// A source that fails with `DiffOutOfTime` once `deadline` has passed (checked before every read).
final class DeadlineSource: ByteSource {
    let source: any ByteSource
    let deadline: Date?
    var name: String { source.name }
    init(_ source: any ByteSource, deadline: Date?) {
        self.source = source
        self.deadline = deadline
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let deadline, Date() >= deadline { throw DiffOutOfTime() }
        return try source.read(into: buffer)
    }
}

/// Runs blocking work (ManifestKit's synchronous readers over S3) on a dedicated thread,
/// never on the cooperative pool.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await DedicatedThread.run(stackSize: 4 << 20, body)
}

/// `ManifestCatalog` over S3: candidates are listed under the prefix, newest first, and
/// each is read through ManifestKit's validating reader until one is valid and completed
/// before the given time.
public struct S3ManifestCatalog: ManifestCatalog {
    public var s3: S3Client
    public var bucket: String
    /// How many newest candidates are validated before giving up.
    public var maxCandidates = 5

    public init(s3: S3Client, bucket: String) {
        self.s3 = s3
        self.bucket = bucket
    }

    public func searchBaseline(prefix: String, before: Date) async throws -> BaselineSearch {
        // An object written after `before` + 1 h cannot have completed before `before`
        // in any reasonable upload; S3's LastModified is when the upload completed.
        let objects = try await s3.listAllObjects(bucket: bucket, prefix: prefix)
            .filter { ($0.key.hasSuffix(".ndjson.gz") || $0.key.hasSuffix(".set.json"))
                && ($0.lastModified.map { $0 < before.addingTimeInterval(3600) } ?? true) }
            .sorted { ($0.lastModified ?? .distantPast, $0.key) > ($1.lastModified ?? .distantPast, $1.key) }
        let client = s3
        let bucket = self.bucket
        var skipped: [SkippedCandidate] = []
        for object in objects.prefix(maxCandidates) {
            let key = object.key
            if key.hasSuffix(".set.json") {
                switch try await readSet(key: key) {
                case .skipped(let skip):
                    skipped.append(skip)
                    continue
                case .valid(let completed, let entries):
                    if completed < before {
                        return BaselineSearch(found: ManifestRef(key: key, completedAt: completed, entries: entries), skipped: skipped)
                    }
                    skipped.append(SkippedCandidate(
                        key: key, reason: "completed at \(Timestamps.rfc3339Millis(completed)), not before \(Timestamps.rfc3339Millis(before))"))
                    continue
                }
            }
            let trailer: ManifestTrailer?
            do {
                trailer = try await onDedicatedThread {
                    let reader = try ManifestReader(source: try S3ObjectSource(client: client, bucket: bucket, key: key))
                    while try reader.next() != nil {}
                    return reader.trailer
                }
            } catch let error as AWSError {
                // Throttling, access denied, a dropped connection: not a verdict on the
                // manifest. Fail the step (it is retried) rather than fall back to an older one.
                throw OrchestratorError.service("read baseline candidate s3://\(bucket)/\(key)", error)
            } catch {
                // Tampered, truncated or not a manifest at all.
                skipped.append(SkippedCandidate(key: key, reason: "invalid manifest: \(error)"))
                continue
            }
            guard let trailer else {
                skipped.append(SkippedCandidate(key: key, reason: "no trailer"))
                continue
            }
            let completed = Date(timeIntervalSince1970: Double(trailer.completedAtNs) / 1e9)
            if completed < before {
                return BaselineSearch(
                    found: ManifestRef(key: key, completedAt: completed, entries: Int(exactly: trailer.entries)), skipped: skipped)
            }
            skipped.append(SkippedCandidate(
                key: key, reason: "completed at \(Timestamps.rfc3339Millis(completed)), not before \(Timestamps.rfc3339Millis(before))"))
        }
        if objects.count > maxCandidates {
            skipped.append(SkippedCandidate(key: prefix, reason: "\(objects.count - maxCandidates) older candidates not examined (limit \(maxCandidates))"))
        }
        return BaselineSearch(found: nil, skipped: skipped)
    }

    /// A baseline that is a manifest set (a sharded scheduled baseline): its index, written
    /// by the orchestrator only after it read every part's header and trailer, gives the
    /// completion and entry count; every part must still exist (HeadObject). Reading the
    /// parts in full is left to the diff, which checks each against the index.
    func readSet(key: String) async throws -> SetCandidate {
        let bytes: [UInt8]
        do {
            let stream = try await s3.getObject(bucket: bucket, key: key)
            var body: [UInt8] = []
            while let chunk = try await stream.next() { body += chunk }
            bytes = body
        } catch {
            throw OrchestratorError.service("read baseline candidate s3://\(bucket)/\(key)", error)
        }
        let set: ManifestSet
        do {
            set = try ManifestSet.decode(bytes, name: key)
        } catch {
            return .skipped(SkippedCandidate(key: key, reason: "invalid manifest set: \(error)"))
        }
        guard let completedNs = set.completedAtNs else {
            return .skipped(SkippedCandidate(key: key, reason: "manifest set without completedAt"))
        }
        let prefix = "s3://\(bucket)/"
        for part in set.parts {
            let location = ManifestSet.resolve(part.location, against: prefix + key)
            guard location.hasPrefix(prefix) else {
                return .skipped(SkippedCandidate(key: key, reason: "part \(part.index) outside the bucket: \(LogJSON.string(location))"))
            }
            guard try await exists(key: String(location.dropFirst(prefix.count))) else {
                return .skipped(SkippedCandidate(key: key, reason: "part \(part.index) missing: \(location)"))
            }
        }
        return .valid(Date(timeIntervalSince1970: Double(completedNs) / 1e9), set.entries.flatMap { Int(exactly: $0) })
    }

    /// A part's ends (`<key>.ends.ndjson`, one small GET) when its worker wrote them, else
    /// the part itself, streamed through the validating reader (a worker from before the
    /// ends). The ends are a claim: the set reader checks each part's own trailer against
    /// the index made from them.
    public func readPart(key: String) async throws -> PartRead {
        let endsKey = ManifestEnds.location(of: key)
        if let bytes = try await smallObject(endsKey, limit: ManifestEnds.maxBytes) {
            let ends: ManifestEnds
            do {
                ends = try ManifestEnds.decode(bytes, name: endsKey)
            } catch {
                throw PartUnreadable(key: key, reason: "invalid ends: \(error)")
            }
            return Self.partRead(header: ends.header, trailer: ends.trailer, from: endsKey)
        }
        let client = s3
        let bucket = self.bucket
        do {
            return try await onDedicatedThread {
                let reader = try ManifestReader(source: try S3ObjectSource(client: client, bucket: bucket, key: key))
                while try reader.next() != nil {}
                guard let trailer = reader.trailer else { throw PartUnreadable(key: key, reason: "no trailer") }
                return Self.partRead(header: reader.header, trailer: trailer, from: key)
            }
        } catch let error as AWSError {
            throw OrchestratorError.service("read part s3://\(bucket)/\(key)", error)
        } catch let error as PartUnreadable {
            throw error
        } catch {
            throw PartUnreadable(key: key, reason: "invalid manifest: \(error)")
        }
    }

    static func partRead(header: ManifestHeader, trailer: ManifestTrailer, from key: String) -> PartRead {
        PartRead(shardIndex: header.shardIndex, shardCount: header.shardCount, planDigest: planDigest(header),
                 summary: PartSummary(entries: trailer.entries, entriesSha256: trailer.entriesSha256,
                                      walk: WalkStats(header: header, trailer: trailer)),
                 readFrom: key)
    }

    /// The object at `key` (one GET of at most `limit` + 1 bytes: more is what a reader
    /// refuses), or nil when there is none.
    func smallObject(_ key: String, limit: Int) async throws -> [UInt8]? {
        do {
            let stream = try await s3.getObject(bucket: bucket, key: key, range: S3ByteRange(start: 0, end: UInt64(limit)),
                                                chunkSize: limit + 1)
            var body: [UInt8] = []
            while body.count <= limit, let chunk = try await stream.next() { body += chunk }
            return body
        } catch let error as AWSError where error.isNotFound {
            return nil
        } catch {
            throw OrchestratorError.service("read s3://\(bucket)/\(key)", error)
        }
    }

    /// The plan digest a part's header names (`shard.plan`), when the header format has it.
    static func planDigest(_ header: ManifestHeader) -> String? { header.shardPlan }

    public func exists(key: String) async throws -> Bool {
        do {
            _ = try await s3.headObject(bucket: bucket, key: key)
            return true
        } catch let error as AWSError where error.isNotFound {
            return false
        }
    }
}

/// A manifest-set baseline candidate: valid (completion, entries), or skipped and why.
enum SetCandidate {
    case valid(Date, Int?)
    case skipped(SkippedCandidate)
}

/// `ManifestDiffer` over S3: streams the manifests through ManifestKit's validating
/// readers and merge-diff, writes `findings.ndjson.gz` by multipart upload while the diff
/// runs and the diff part of `report.html` after it; `report.json` and `summary.txt` are
/// written by `writeReport` (a side effect of its own).
public struct S3ManifestDiffer: ManifestDiffer {
    public var s3: S3Client
    public var bucket: String
    public var findingsPerClass = 100
    /// Times the diff (the report's timings): the orchestrator's injected clock.
    public var clock: any WallClock

    public init(s3: S3Client, bucket: String, clock: any WallClock = SystemClock()) {
        self.s3 = s3
        self.bucket = bucket
        self.clock = clock
    }

    /// `date` as nanoseconds since the epoch; nil when it does not fit an `Int64`.
    static func nanoseconds(_ date: Date) -> Int64? {
        let ns = (date.timeIntervalSince1970 * 1e9).rounded()
        guard ns.isFinite, ns > -9.2e18, ns < 9.2e18 else { return nil }
        return Int64(ns)
    }

    public func diff(_ request: DiffRequest) async throws -> DiffOutcome {
        let client = s3
        let bucket = self.bucket
        let perClass = findingsPerClass
        let clock = self.clock
        let reportKey = request.reportPrefix + "report.json"
        let findingsKey = request.reportPrefix + "findings.ndjson.gz"
        let summaryKey = request.reportPrefix + "summary.txt"
        let overrides = request.severities.keys.sorted().map { "\($0)=\(request.severities[$0]!)" }.joined(separator: ",")
        let pageKey = request.reportPrefix + "report.html"
        let (report, inputs, walks) = try await onDedicatedThread { () throws -> (DiffReport, [ReportPage.Input], [String: WalkStats]) in
            let policy = try SeverityPolicy(parsing: overrides)
            func manifest(_ key: String) throws -> ManifestReader {
                try ManifestReader(source: DeadlineSource(try S3ObjectSource(client: client, bucket: bucket, key: key), deadline: request.deadline))
            }
            let baseline = try manifest(request.baselineKey)
            let post = try request.postKey.map(manifest)
            let restored = try manifest(request.restoredKey)
            let upload = S3ObjectSink(client: client, bucket: bucket, key: findingsKey, contentType: "application/gzip")
            // Compressed and uploaded on a thread of its own, beside the merge.
            let output = BackgroundSink(wrapping: try GzipCompressingSink(wrapping: upload))
            let findings = FindingsWriter(sink: output)
            var diff = MergeDiff(baseline: baseline, post: post, restored: restored,
                                 options: DiffOptions(policy: policy, restoredRoot: .auto,
                                                      windowEndNs: request.windowEnd.flatMap(Self.nanoseconds)))
            do {
                var report = try diff.run(findings: findings, findingsPerClass: perClass) {
                    Timestamps.nanoseconds(clock.now())
                }
                try findings.finish()
                let sources = [(request.baselineKey, baseline)] + (post.map { [(request.postKey ?? "", $0)] } ?? [])
                    + [(request.restoredKey, restored)]
                let inputs = sources.map {
                    ReportPage.Input(source: "s3://\(bucket)/\($0.0)", header: $0.1.header, trailer: $0.1.trailer)
                }
                report.walks = WalkStats.byRole(inputs)
                return (report, inputs, report.walks)
            } catch {
                output.abort()
                throw error
            }
        }
        let summary = report.summaryText()
        // The diff part of report.html; the orchestrator puts the run's part in (writeReportPage).
        let page = ReportPage(report: report, inputs: inputs, findingsLocation: "s3://\(bucket)/\(findingsKey)",
                              generatedAtNs: Self.nanoseconds(clock.now()) ?? 0)
        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: pageKey, body: page.html(),
                                                      contentType: S3ReportPageStore.contentType))
        var bySeverity: [String: Int] = [:]
        // The run keeps signed counts; report.json has the exact ones. A count past
        // Int64.max (only bytes can get there, from a crafted manifest) is kept as the maximum.
        for severity in Severity.allCases { bySeverity[severity.rawValue] = Int(clamping: report.count(of: severity)) }
        var byClass: [String: Int] = [:]
        for verdict in VerdictClass.allCases { byClass[verdict.rawValue] = Int(clamping: report.tally[verdict]) }
        let verdict = ReportSummary(
            passed: report.passed, mode: report.isThreeWay ? "three-way" : "two-way",
            filesVerified: Int(clamping: report.tally.filesVerified), bytesVerified: Int64(clamping: report.tally.bytesVerified),
            findingsBySeverity: bySeverity, findingsByClass: byClass, summaryText: summary,
            reportKey: reportKey, findingsKey: findingsKey, summaryKey: summaryKey, walks: walks)
        return DiffOutcome(summary: verdict, documents: ReportDocuments(
            reportKey: reportKey, reportJSON: String(decoding: report.json(), as: UTF8.self), summaryKey: summaryKey,
            summaryText: summary + report.walksText),
            entriesCompared: Int(exactly: report.tally.entriesCompared) ?? Int.max)
    }

    /// `report.json` and `summary.txt` under `reportPrefix` (written by a diff task).
    public func readReport(reportPrefix: String) async throws -> ReportSummary {
        let reportKey = reportPrefix + "report.json"
        let summaryKey = reportPrefix + "summary.txt"
        let json = try await object(reportKey)
        let summary = String(decoding: try await object(summaryKey), as: UTF8.self)
        return try ReportSummary(reportJSON: json, summaryText: summary, reportPrefix: reportPrefix)
    }

    private func object(_ key: String) async throws -> [UInt8] {
        let stream = try await s3.getObject(bucket: bucket, key: key)
        var body: [UInt8] = []
        while let chunk = try await stream.next() { body += chunk }
        return body
    }

    public func writeReport(_ documents: ReportDocuments) async throws {
        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: documents.reportKey, body: Array(documents.reportJSON.utf8),
                                                      contentType: "application/json"))
        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: documents.summaryKey, body: Array(documents.summaryText.utf8),
                                                      contentType: "text/plain; charset=utf-8"))
    }
}
