import Foundation

/// Where a service's requests go, resolved like the AWS SDKs do for
/// service-specific endpoints:
///
/// 1. `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_S3`),
/// 2. `AWS_ENDPOINT_URL`,
/// 3. the AWS default `https://<endpointPrefix>.<region>.amazonaws.com`
///    (`amazonaws.com.cn` in the China regions).
///
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores both variables. An override
/// changes only where requests go: they are still signed with the real region and
/// the service's signing name.
public enum EndpointResolver {
    /// - Parameters:
    ///   - service: the service to reach.
    ///   - region: the signing region (e.g. `eu-west-1`).
    ///   - environment: the process environment (injected; pass `ProcessInfo.processInfo.environment`).
    /// - Throws: `AWSError(.configuration)` when an override is not an absolute http(s) URL
    ///   or the region is empty.
    public static func resolve(service: AWSService, region: String, environment: [String: String]) throws -> URL {
        let ignore = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        if !ignore {
            for name in ["AWS_ENDPOINT_URL_" + service.endpointEnvironmentName, "AWS_ENDPOINT_URL"] {
                if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                    return try parse(value, source: name, service: service)
                }
            }
        }
        guard !region.isEmpty else {
            throw AWSError(kind: .configuration, service: service.name, message: "no region configured (set AWS_REGION)")
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return try parse("https://\(service.endpointPrefix).\(region).\(suffix)", source: "default endpoint", service: service)
    }

    /// Checks that `text` is an absolute `http`/`https` URL with a host.
    static func parse(_ text: String, source: String, service: AWSService) throws -> URL {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil,
            let url = components.url
        else {
            throw AWSError(kind: .configuration, service: service.name, message: "\(source): not an http(s) endpoint URL: \(text)")
        }
        return url
    }
}
