import Foundation
@testable import AWSLite
@testable import OrchestratorKit

actor MemoryStore: RunStore {
    var objects: [String: (body: Data, etag: String)] = [:]
    var counter = 0
    var puts: [String] = []
    /// Runs once before the next put of a key with this prefix whose body satisfies `when`
    /// (simulates a concurrent writer).
    var interfere: (prefix: String, when: @Sendable (Data) -> Bool, action: @Sendable (MemoryStore) async -> Void)?

    func get(_ key: String) async throws -> StoredObject? {
        objects[key].map { StoredObject(body: $0.body, etag: $0.etag) }
    }

    /// Key prefix → how many more puts of such keys fail with an S3 500 (nothing written).
    var failingPuts: [String: Int] = [:]
    func failPuts(prefix: String, times: Int) { failingPuts[prefix] = times }

    func put(_ key: String, body: Data, condition: WriteCondition) async throws -> String {
        for (prefix, left) in failingPuts where left > 0 && key.hasPrefix(prefix) {
            failingPuts[prefix] = left - 1
            throw OrchestratorError(.service, "PutObject \(key): InternalError (HTTP 500)")
        }
        if let hook = interfere, key.hasPrefix(hook.prefix), hook.when(body) {
            interfere = nil
            await hook.action(self)
        }
        switch condition {
        case .mustNotExist:
            if objects[key] != nil { throw OrchestratorError(.conflict, "PreconditionFailed: \(key) exists") }
        case .mustMatch(let etag):
            guard objects[key]?.etag == etag else { throw OrchestratorError(.conflict, "PreconditionFailed: \(key) changed") }
        }
        counter += 1
        let etag = "\"etag-\(counter)\""
        objects[key] = (body, etag)
        puts.append(key)
        return etag
    }

    func delete(_ key: String) async throws { objects[key] = nil }

    func list(prefix: String) async throws -> [String] {
        objects.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }

    func setInterference(
        prefix: String, when: @escaping @Sendable (Data) -> Bool = { _ in true }, _ action: @escaping @Sendable (MemoryStore) async -> Void
    ) {
        interfere = (prefix, when, action)
    }

    /// Overwrites an object directly (a concurrent writer).
    func rawPut(_ key: String, _ body: Data) {
        counter += 1
        objects[key] = (body, "\"etag-\(counter)\"")
    }

    func run(_ key: String) throws -> Run? { try objects[key].map { try Run.decoded(from: $0.body) } }
    func keys() -> [String] { objects.keys.sorted() }
}
