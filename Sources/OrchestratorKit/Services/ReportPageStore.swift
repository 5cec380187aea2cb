/// Where a run's `report.html` is kept (production: S3, `Content-Type: text/html; charset=utf-8`).
public protocol ReportPageStore: Sendable {
    /// The page at `key`, or nil when there is none.
    func page(at key: String) async throws -> [UInt8]?
    /// Writes (replaces) the page at `key`.
    func putPage(_ body: [UInt8], at key: String) async throws
}
