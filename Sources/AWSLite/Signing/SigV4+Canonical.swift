/// Stage 1 of SigV4: the canonical request.
extension SigV4 {
    /// Header names never signed: `authorization` (it carries the signature) and
    /// headers that proxies or the HTTP stack may add or rewrite (botocore's list).
    public static let unsignedHeaderNames: Set<String> = [
        "authorization", "user-agent", "expect", "transfer-encoding", "x-amzn-trace-id", "connection",
    ]

    /// The canonical URI for a wire path.
    ///
    /// - Non-S3 (`normalizePath`): dot segments are removed and empty segments
    ///   collapsed (RFC 3986 §5.2.4 plus the AWS `//` rule); a trailing `/` is kept
    ///   when something remains before it.
    /// - Non-S3 (`doubleEncodePath`): the wire path is URI-encoded once more (its
    ///   second encoding), so `%3A` on the wire becomes `%253A` and a raw space `%20`.
    /// - S3: the wire path is used exactly as sent.
    ///
    /// An empty path is `/`.
    public static func canonicalURI(path: String, options: SigningOptions) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath { path = removeDotSegments(path) }
        if options.doubleEncodePath { path = URIEncoding.encode(path, keepSlash: true) }
        return path
    }

    /// Removes `.` and `..` segments and collapses empty segments (`//`).
    ///
    /// `/a/./b/../c` → `/a/c`; `//example//` → `/example/`; `/example/..` → `/`.
    public static func removeDotSegments(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !kept.isEmpty { kept.removeLast() }
            default: kept.append(segment)
            }
        }
        let lead = path.hasPrefix("/") ? "/" : ""
        let trail = path.hasSuffix("/") && !kept.isEmpty ? "/" : ""
        let joined = lead + kept.joined(separator: "/") + trail
        return joined.isEmpty ? "/" : joined
    }

    /// The canonical query string for a wire query (without `?`): each `key=value`
    /// pair is percent-decoded and re-encoded with the RFC 3986 unreserved set
    /// (`+` is a literal plus, encoded `%2B`), a missing `=` gives an empty value,
    /// and pairs are sorted by encoded key, then encoded value.
    ///
    /// `Param2=v2&Param1=v1` → `Param1=v1&Param2=v2`; `prefix=dir/` → `prefix=dir%2F`.
    public static func canonicalQueryString(_ query: String) -> String {
        var pairs: [(key: String, value: String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = URIEncoding.encode(bytes: URIEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? URIEncoding.encode(bytes: URIEncoding.decode(String(parts[1]))) : ""
            pairs.append((key, value))
        }
        pairs.sort { a, b in
            a.key != b.key ? Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
                : Array(a.value.utf8).lexicographicallyPrecedes(Array(b.value.utf8))
        }
        return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// A header value in canonical form: leading and trailing whitespace removed and
    /// every run of whitespace (spaces, tabs, line breaks of a folded value) turned
    /// into one space. `  "a   b   c" ` → `"a b c"`.
    public static func canonicalHeaderValue(_ value: String) -> String {
        var out = [UInt8]()
        var pendingSpace = false
        for b in value.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical headers block (each `name:value\n`, names lower-cased and sorted,
    /// repeated headers joined with `,` in their order) and the signed-headers list
    /// (`host;x-amz-date`). Every header given is signed; filter first.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (canonical: String, signedHeaders: String) {
        var byName: [String: [String]] = [:]
        var names: [String] = []
        for header in headers {
            let name = header.name.lowercased()
            if byName[name] == nil { names.append(name) }
            byName[name, default: []].append(canonicalHeaderValue(header.value))
        }
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let canonical = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    /// The headers of `request` that get signed: all but ``unsignedHeaderNames``,
    /// plus `host` from `request.host` when the request has no `Host` header.
    public static func headersToSign(_ request: SignableRequest) -> [(name: String, value: String)] {
        var headers = request.headers.filter { !unsignedHeaderNames.contains($0.name.lowercased()) }
        if !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.insert((name: "host", value: request.host), at: 0)
        }
        return headers
    }

    /// The canonical request: method, canonical URI, canonical query, canonical
    /// headers, signed headers and payload hash, one per line.
    public static func canonicalRequest(
        method: String, canonicalURI: String, canonicalQuery: String,
        canonicalHeaders: String, signedHeaders: String, payloadHash: String
    ) -> String {
        [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
    }

    /// The canonical request of `request` as it stands (it must already carry
    /// `X-Amz-Date` and any token/content-hash headers to be signed).
    public static func canonicalRequest(
        for request: SignableRequest, payloadHash: String, options: SigningOptions
    ) -> (canonicalRequest: String, signedHeaders: String) {
        let headers = canonicalHeaders(headersToSign(request))
        let text = canonicalRequest(
            method: request.method.uppercased(),
            canonicalURI: canonicalURI(path: request.path, options: options),
            canonicalQuery: canonicalQueryString(request.query),
            canonicalHeaders: headers.canonical, signedHeaders: headers.signedHeaders,
            payloadHash: payloadHash)
        return (text, headers.signedHeaders)
    }
}
