import AWSLite
import Foundation

/// One CloudWatch metric in an EMF document.
public struct EMFMetric: Sendable, Equatable {
    public var name: String
    public var unit: String
    public var value: Double

    public init(_ name: String, _ unit: String, _ value: Double) {
        self.name = name
        self.unit = unit
        self.value = value
    }
}

/// Builds Embedded Metric Format documents (one JSON object, one line; pure).
public enum EMF {
    /// - Parameters:
    ///   - dimensions: dimension name → value (low cardinality: file system id, result).
    ///   - dimensionSets: which combinations of `dimensions` to aggregate on.
    ///   - properties: extra searchable fields (not metrics, not dimensions), e.g. the run id.
    public static func document(
        namespace: String, timestamp: Date, dimensions: [String: String], dimensionSets: [[String]],
        metrics: [EMFMetric], properties: [String: String]
    ) -> String {
        var root: [String: Any] = [:]
        for (key, value) in properties { root[key] = value }
        for (key, value) in dimensions { root[key] = value }
        for metric in metrics {
            root[metric.name] = metric.value == metric.value.rounded() && abs(metric.value) < 1e15
                ? Int64(metric.value) as Any : metric.value as Any
        }
        root["_aws"] = [
            "Timestamp": Timestamps.nanoseconds(timestamp) / 1_000_000,
            "CloudWatchMetrics": [[
                "Namespace": namespace,
                "Dimensions": dimensionSets,
                "Metrics": metrics.map { ["Name": $0.name, "Unit": $0.unit] },
            ]],
        ] as [String: Any]
        let data = (try? LogJSON.encode(root)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The metrics of a finished run: `Runs` and `RunPassed` always; files, bytes and
    /// findings per severity when verified; restore duration and time from backup
    /// completion to verdict when known.
    public static func forRun(_ run: Run, namespace: String, at time: Date) -> String {
        let result = run.result?.rawValue ?? "unknown"
        var metrics = [
            EMFMetric("Runs", "Count", 1),
            EMFMetric("RunPassed", "Count", run.result == .passed ? 1 : 0),
        ]
        if let report = run.report {
            metrics.append(EMFMetric("FilesVerified", "Count", Double(report.filesVerified)))
            metrics.append(EMFMetric("BytesVerified", "Bytes", Double(report.bytesVerified)))
            for severity in ["error", "warning", "info"] {
                metrics.append(EMFMetric("Findings" + severity.prefix(1).uppercased() + severity.dropFirst(),
                                         "Count", Double(report.findingsBySeverity[severity] ?? 0)))
            }
        }
        if let started = run.restoreStartedAt, let completed = run.restoreCompletedAt {
            metrics.append(EMFMetric("RestoreDuration", "Seconds", completed.timeIntervalSince(started).rounded()))
        }
        if let backupDone = run.backupCompletedAt, let verdict = run.verdictAt {
            metrics.append(EMFMetric("TimeToVerdict", "Seconds", verdict.timeIntervalSince(backupDone).rounded()))
        }
        return document(
            namespace: namespace, timestamp: time,
            dimensions: ["FileSystemId": run.fileSystemId, "Result": result],
            dimensionSets: [["FileSystemId"], ["FileSystemId", "Result"]],
            metrics: metrics, properties: ["runId": run.runId, "origin": run.origin.rawValue])
    }
}
