/// One service operation's request before endpoint, signing and retries.
struct OperationRequest: Sendable {
    var operation: String
    var method: String
    /// The encoded path below the endpoint, starting with `/`.
    var path: String
    /// Query items (raw; encoded when sent). A nil value sends a bare name.
    var query: [(String, String?)] = []
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// Safe to send twice (idempotent, or carries an idempotency token).
    var idempotent: Bool
    /// SHA-256 of `body` if the caller already has it (S3 checksums).
    var bodyDigest: PayloadDigest?
    /// The largest successful answer accepted (a ranged GET: the range's length).
    var maxResponseBytes: Int = HTTPLimits.documentBodyLimit
    /// Checks a 2xx answer; an error returned here counts as a failed attempt
    /// (e.g. S3's CompleteMultipartUpload answering 200 with an error or no XML).
    var validate: (@Sendable (HTTPResponse) -> AWSError?)?

    init(operation: String, method: String, path: String, query: [(String, String?)] = [], headers: [(name: String, value: String)] = [], body: [UInt8] = [], idempotent: Bool, bodyDigest: PayloadDigest? = nil) {
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.idempotent = idempotent
        self.bodyDigest = bodyDigest
    }
}
