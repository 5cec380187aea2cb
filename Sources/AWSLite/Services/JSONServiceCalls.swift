/// Request plumbing shared by the json 1.1 (ECS) and rest-json (EFS, Backup) clients.
extension RequestExecutor {
    /// json 1.1: `POST /` with `X-Amz-Target: <prefix>.<operation>`.
    func callJSON<Input: Encodable, Output: Decodable>(
        targetPrefix: String, operation: String, input: Input, idempotent: Bool, as: Output.Type = Output.self
    ) async throws -> Output {
        let response = try await send(
            OperationRequest(
                operation: operation, method: "POST", path: "/",
                headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", targetPrefix + "." + operation)],
                body: try JSONCoding.encode(input), idempotent: idempotent))
        return try JSONCoding.decode(Output.self, from: response.body, service: service, operation: operation)
    }

    /// json 1.1 with a body built elsewhere (e.g. a document carried over member for member);
    /// returns the response body as sent.
    func callJSONRaw(targetPrefix: String, operation: String, body: [UInt8], idempotent: Bool) async throws -> [UInt8] {
        try await send(
            OperationRequest(
                operation: operation, method: "POST", path: "/",
                headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", targetPrefix + "." + operation)],
                body: body, idempotent: idempotent)).body
    }

    /// rest-json: method + URI (labels already encoded) + optional JSON body.
    func callREST<Output: Decodable>(
        operation: String, method: String, path: String, query: [(String, String?)] = [], body: [UInt8]? = nil,
        idempotent: Bool, as: Output.Type = Output.self
    ) async throws -> Output {
        var headers: [(name: String, value: String)] = []
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try await send(
            OperationRequest(operation: operation, method: method, path: path, query: query, headers: headers, body: body ?? [], idempotent: idempotent))
        return try JSONCoding.decode(Output.self, from: response.body, service: service, operation: operation)
    }
}
