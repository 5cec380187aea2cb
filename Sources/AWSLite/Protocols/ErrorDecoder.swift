import Foundation

/// Turns a non-2xx response into an `AWSError` according to the service's
/// wire protocol (botocore `parsers.py` is the model for each branch).
enum ErrorDecoder {
    static func decode(_ response: HTTPResponse, service: AWSService, operation: String) -> AWSError {
        var code: String?
        var message: String?
        var bodyRequestId: String?
        switch service.wireProtocol {
        case .restXML, .query:
            if let tree = XMLTree.parse(response.body) {
                // rest-xml: <Error><Code/>…; query: <ErrorResponse><Error><Code/>…<RequestId/>.
                let error = tree.find("Error") ?? tree
                code = nonEmpty(error.value("Code"))
                message = nonEmpty(error.value("Message"))
                bodyRequestId = nonEmpty(error.value("RequestId") ?? tree.value("RequestId") ?? tree.value("RequestID"))
            }
        case .json:
            let object = jsonObject(response.body)
            code = sanitize(object?["__type"] as? String) ?? sanitize(object?["code"] as? String)
                ?? sanitize(response.header("x-amzn-ErrorType"))
            message = messageField(object)
        case .restJSON:
            let object = jsonObject(response.body)
            code = sanitize(response.header("x-amzn-ErrorType"))
                ?? sanitize(object?["code"] as? String) ?? sanitize(object?["Code"] as? String)
                ?? sanitize(object?["__type"] as? String) ?? sanitize(object?["ErrorCode"] as? String)
            message = messageField(object)
        }
        if code == nil { code = statusCode(response.status) }
        let requestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id") ?? bodyRequestId
        if (300...399).contains(response.status) { message = redirectMessage(response, serviceMessage: message, service: service) }
        return AWSError(
            kind: .service, service: service.name, operation: operation, code: code,
            message: message ?? "HTTP \(response.status) with no error message",
            httpStatus: response.status, requestId: requestId)
    }

    /// A redirect is never followed (it would carry the signature and session token
    /// to a host nobody configured). S3 sends one for a bucket in another region,
    /// naming it in `x-amz-bucket-region`.
    static func redirectMessage(_ response: HTTPResponse, serviceMessage: String?, service: AWSService) -> String {
        var text = "redirected (HTTP \(response.status)), not followed"
        if let location = response.header("Location"), !location.isEmpty { text += "; Location: \(String(location.prefix(200)))" }
        if let region = response.header("x-amz-bucket-region"), !region.isEmpty, region.count <= 40 {
            text += ". The bucket is in region \(region): set AWS_REGION=\(region)"
            text += " (or AWS_ENDPOINT_URL_\(service.endpointEnvironmentName) to that region's endpoint)"
        } else {
            text += ". Check AWS_REGION and AWS_ENDPOINT_URL_\(service.endpointEnvironmentName)"
        }
        if let serviceMessage { text += ". \(service.name) said: \(serviceMessage)" }
        return text
    }

    /// `aws.protocoltests#FooError:http://internal…` → `FooError`.
    static func sanitize(_ raw: String?) -> String? {
        guard var value = raw?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let colon = value.firstIndex(of: ":") { value = String(value[..<colon]) }
        if let hash = value.lastIndex(of: "#") { value = String(value[value.index(after: hash)...]) }
        return value.isEmpty ? nil : value
    }

    /// A code for bodiless errors (S3 HEAD): what botocore and the SDKs use.
    static func statusCode(_ status: Int) -> String? {
        switch status {
        case 301: return "PermanentRedirect"
        case 302, 307: return "TemporaryRedirect"
        case 304: return "NotModified"
        case 400: return "BadRequest"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 412: return "PreconditionFailed"
        default: return nil
        }
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s = s?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        return s
    }

    private static func jsonObject(_ body: [UInt8]) -> [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    private static func messageField(_ object: [String: Any]?) -> String? {
        for key in ["message", "Message", "errorMessage", "ErrorMessage"] {
            if let text = object?[key] as? String, !text.isEmpty { return text }
        }
        return nil
    }
}
