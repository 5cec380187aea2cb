import Foundation

/// JSON bodies for the json 1.1 and rest-json services. Timestamps are epoch
/// seconds (JSON numbers, possibly fractional) in both directions; keys are
/// sorted so request bodies are stable.
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        do {
            return [UInt8](try encoder.encode(value))
        } catch {
            throw AWSError(kind: .invalidRequest, message: "cannot encode request body: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], service: AWSService, operation: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(type, from: body.isEmpty ? Data("{}".utf8) : Data(body))
        } catch {
            throw AWSError(kind: .invalidResponse, service: service.name, operation: operation, message: "cannot decode response: \(error)")
        }
    }
}

/// An empty JSON object body / response.
struct EmptyJSON: Codable, Sendable {}
