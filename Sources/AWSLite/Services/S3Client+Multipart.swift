import Foundation

extension S3Client {
    /// CreateMultipartUpload with `x-amz-checksum-algorithm: SHA256`; returns the upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String = "application/octet-stream") async throws -> String {
        let response = try await executor.send(
            OperationRequest(
                operation: "CreateMultipartUpload", method: "POST", path: Self.objectPath(bucket: bucket, key: key), query: [("uploads", nil)],
                headers: [("Content-Type", contentType), ("x-amz-checksum-algorithm", "SHA256")], idempotent: false))
        guard let uploadId = XMLTree.parse(response.body)?.value("UploadId"), !uploadId.isEmpty else {
            throw AWSError(kind: .invalidResponse, service: "s3", operation: "CreateMultipartUpload", message: "no UploadId in response", httpStatus: response.status)
        }
        return uploadId
    }

    /// UploadPart with the part's `x-amz-checksum-sha256`.
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: [UInt8]) async throws -> S3CompletedPart {
        let digest = PayloadDigest(of: body)
        let response = try await executor.send(
            OperationRequest(
                operation: "UploadPart", method: "PUT", path: Self.objectPath(bucket: bucket, key: key),
                query: [("partNumber", String(partNumber)), ("uploadId", uploadId)],
                headers: [("x-amz-checksum-sha256", digest.base64), ("x-amz-sdk-checksum-algorithm", "SHA256")],
                body: body, idempotent: true, bodyDigest: digest))
        guard let eTag = response.header("ETag") else {
            throw AWSError(kind: .invalidResponse, service: "s3", operation: "UploadPart", message: "no ETag for part \(partNumber)", httpStatus: response.status)
        }
        return S3CompletedPart(partNumber: partNumber, eTag: eTag, checksumSHA256: response.header("x-amz-checksum-sha256") ?? digest.base64)
    }

    /// CompleteMultipartUpload, echoing each part's ETag and ChecksumSHA256.
    /// S3 may answer 200 with an `<Error>` body; that is thrown as an error too.
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [S3CompletedPart], condition: S3WriteCondition? = nil) async throws -> S3PutObjectResult {
        let body = Array(Self.completeBody(parts).utf8)
        let response = try await executor.send(
            OperationRequest(
                operation: "CompleteMultipartUpload", method: "POST", path: Self.objectPath(bucket: bucket, key: key), query: [("uploadId", uploadId)],
                headers: [("Content-Type", "application/xml")] + Self.conditionHeaders(condition), body: body, idempotent: condition == nil))
        let tree = XMLTree.parse(response.body)
        if let tree, tree.name == "Error" {
            throw ErrorDecoder.decode(response, service: .s3, operation: "CompleteMultipartUpload")
        }
        return S3PutObjectResult(
            eTag: tree?.value("ETag") ?? response.header("ETag"), checksumSHA256: tree?.value("ChecksumSHA256") ?? response.header("x-amz-checksum-sha256"),
            versionId: response.header("x-amz-version-id"))
    }

    static func completeBody(_ parts: [S3CompletedPart]) -> String {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts {
            xml += "<Part><ChecksumSHA256>\(XMLEscape.text(part.checksumSHA256))</ChecksumSHA256><ETag>\(XMLEscape.text(part.eTag))</ETag><PartNumber>\(part.partNumber)</PartNumber></Part>"
        }
        return xml + "</CompleteMultipartUpload>"
    }

    /// AbortMultipartUpload: discards the parts uploaded so far.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        _ = try await executor.send(
            OperationRequest(
                operation: "AbortMultipartUpload", method: "DELETE", path: Self.objectPath(bucket: bucket, key: key), query: [("uploadId", uploadId)],
                idempotent: true))
    }

    /// A streaming writer for `bucket/key`: see `S3MultipartWriter`.
    public func multipartWriter(bucket: String, key: String, contentType: String = "application/octet-stream", partSize: Int = S3MultipartWriter.defaultPartSize) -> S3MultipartWriter {
        S3MultipartWriter(client: self, bucket: bucket, key: key, contentType: contentType, partSize: partSize)
    }
}
