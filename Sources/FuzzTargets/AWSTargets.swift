#if DEBUG
import Foundation
@testable import AWSLite

extension FuzzTarget {
    /// A raw HTTP request (the form of the SigV4 test suite's `request.txt`)
    /// canonicalised and signed with both signing options; each signed request
    /// must pass the stand-in verifier when its header names are plain tokens.
    static let sigV4Canonical = FuzzTarget(name: "sigv4-canonical", summary: "a raw HTTP request (SigV4 test-suite request.txt form)") { input in
        let request = RequestText.parse(String(decoding: input, as: UTF8.self))
        let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token")
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        for options in [SigningOptions.standard, .s3] {
            _ = SigV4.canonicalRequest(for: request, payloadHash: SigV4.emptyPayloadHash, options: options)
            var signed = request
            SigV4.sign(&signed, credentials: credentials, region: "us-east-1", service: "service",
                       date: date, payloadHash: SigV4.emptyPayloadHash, options: options)
            guard signed.headers.allSatisfy({ RequestText.isToken($0.name) }), RequestText.isToken(signed.host) else { continue }
            if !signed.headers.contains(where: { $0.name.lowercased() == "host" }) {
                signed.headers.append((name: "Host", value: signed.host))
            }
            do {
                try SigV4.verify(signed, secretAccessKey: credentials.secretAccessKey, payloadHash: SigV4.emptyPayloadHash, options: options)
            } catch {
                fatalError("a request signed by SigV4.sign fails SigV4.verify: \(error)")
            }
        }
    }

    /// A response body through the error decoders of all four wire protocols
    /// (S3's rest-xml, SNS's query, ECS's json, EFS's rest-json), without and with
    /// its first line as the `x-amzn-ErrorType` and request-id headers.
    static let awsError = FuzzTarget(name: "aws-error", summary: "an error response body (XML or JSON)") { input in
        for service in [AWSService.s3, .sns, .ecs, .efs] { decodeError(input, service) }
    }

    private static func decodeError(_ body: [UInt8], _ service: AWSService) {
        let firstLine = String(decoding: body.prefix { $0 != 0x0A }, as: UTF8.self)
        for headers in [[:], ["x-amzn-ErrorType": firstLine, "x-amzn-RequestId": firstLine]] {
            let response = AWSLite.HTTPResponse(status: 400, headers: headers, body: body)
            let error = ErrorDecoder.decode(response, service: service, operation: "Fuzz")
            _ = error.description
        }
    }

    /// The shared `credentials` and `config` files (split at the first NUL byte)
    /// through the INI parser and profile selection, for the default and a named profile.
    static let sharedConfig = FuzzTarget(name: "shared-config", summary: "credentials file, NUL, config file") { input in
        let split = input.firstIndex(of: 0) ?? input.endIndex
        let credentials = String(decoding: input[..<split], as: UTF8.self)
        let config = String(decoding: input[split...].dropFirst(), as: UTF8.self)
        let files = ["/fuzz/credentials": credentials, "/fuzz/config": config]
        for profile in [nil, "dev"] {
            var environment = ["AWS_SHARED_CREDENTIALS_FILE": "/fuzz/credentials", "AWS_CONFIG_FILE": "/fuzz/config", "HOME": "/fuzz"]
            environment["AWS_PROFILE"] = profile
            _ = try? SharedConfig.load(environment: environment, fileReader: { path in files[path] })
        }
        if let file = try? INIFile.parse(config, fileName: "config") {
            _ = SharedConfig.configFileProfiles(file)
        }
    }
}

/// A lenient reader of raw HTTP request text for the SigV4 target: request
/// line, `Name:value` headers (a line starting with a space or tab continues the
/// previous value), then anything (ignored). Never fails.
enum RequestText {
    static func parse(_ text: String) -> SignableRequest {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        let requestLine = lines.isEmpty ? "" : lines.removeFirst()
        let words = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        let method = words.first.map(String.init) ?? ""
        let target = words.count > 2 ? words[1..<(words.count - 1)].joined(separator: " ") : (words.count == 2 ? String(words[1]) : "/")
        let question = target.firstIndex(of: "?")
        let path = String(target[..<(question ?? target.endIndex)])
        let query = question.map { String(target[target.index(after: $0)...]) } ?? ""
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            let value = colon < line.endIndex ? line[line.index(after: colon)...] : ""
            headers.append((name: String(line[..<colon]), value: String(value)))
        }
        let host = headers.first { $0.name.lowercased() == "host" }?.value ?? "example.amazonaws.com"
        return SignableRequest(method: method, host: host, path: path, query: query, headers: headers)
    }

    /// Letters, digits, `-` and `.` only (no separator the verifier splits on).
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E }
    }
}
#endif
