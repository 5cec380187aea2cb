import Foundation
@testable import AWSLite
@testable import OrchestratorKit

actor FakeManifests: ManifestCatalog {
    var baselines: [ManifestRef] = []
    var existing: Set<String> = []
    var queries: [(prefix: String, before: Date)] = []

    /// Candidates that are reported as skipped (e.g. tampered) before the search result.
    var skippedCandidates: [SkippedCandidate] = []

    func searchBaseline(prefix: String, before: Date) async throws -> BaselineSearch {
        queries.append((prefix, before))
        let found = baselines.filter { $0.key.hasPrefix(prefix) && $0.completedAt < before }.max { $0.completedAt < $1.completedAt }
        return BaselineSearch(found: found, skipped: skippedCandidates)
    }
    func setSkipped(_ skipped: [SkippedCandidate]) { skippedCandidates = skipped }

    func exists(key: String) async throws -> Bool { existing.contains(key) }

    /// Part manifests by key (what `readPart` answers); a missing key is unreadable.
    var parts: [String: PartRead] = [:]
    var partsRead: [String] = []
    func setPart(_ key: String, _ part: PartRead) { parts[key] = part }
    func readPart(key: String) async throws -> PartRead {
        partsRead.append(key)
        guard let part = parts[key] else { throw PartUnreadable(key: key, reason: "no such part") }
        return part
    }
    func setBaselines(_ refs: [ManifestRef]) { baselines = refs }
    func addExisting(_ key: String) { existing.insert(key) }
}
