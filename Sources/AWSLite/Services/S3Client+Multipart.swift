import Foundation

extension S3Client {
    /// CreateMultipartUpload with `x-amz-checksum-algorithm: SHA256`; returns the upload id.
    ///
    /// Retried like any transient failure: when an earlier attempt may have created an
    /// upload whose id never arrived, the key's other open uploads are listed and
    /// aborted once the new id is known, so none is left open.
    public func createMultipartUpload(bucket: String, key: String, contentType: String = "application/octet-stream") async throws -> String {
        var request = OperationRequest(
            operation: "CreateMultipartUpload", method: "POST", path: Self.objectPath(bucket: bucket, key: key), query: [("uploads", nil)],
            headers: [("Content-Type", contentType), ("x-amz-checksum-algorithm", "SHA256")], idempotent: true)
        request.validate = { response in
            guard let id = XMLTree.parse(response.body)?.value("UploadId"), !id.isEmpty else {
                return AWSError(kind: .invalidResponse, service: "s3", operation: "CreateMultipartUpload", message: "no UploadId in the answer", httpStatus: response.status)
            }
            return nil
        }
        let outcome = try await executor.sendReporting(request)
        let uploadId = XMLTree.parse(outcome.response.body)?.value("UploadId") ?? ""
        if outcome.earlierAttemptMayHaveActed {
            await abortOtherUploads(bucket: bucket, key: key, keeping: uploadId)
        }
        return uploadId
    }

    /// Aborts every open upload of exactly `key` except `keeping` (best effort).
    func abortOtherUploads(bucket: String, key: String, keeping: String) async {
        guard let uploads = try? await listMultipartUploads(bucket: bucket, prefix: key) else { return }
        for upload in uploads where upload.key == key && upload.uploadId != keeping {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadId: upload.uploadId)
        }
    }

    /// ListMultipartUploads under `prefix` (the first page, up to 1000 uploads).
    public func listMultipartUploads(bucket: String, prefix: String) async throws -> [(key: String, uploadId: String)] {
        let response = try await executor.send(
            OperationRequest(
                operation: "ListMultipartUploads", method: "GET", path: "/" + PercentEncoding.label(bucket), query: [("uploads", nil), ("prefix", prefix)],
                idempotent: true))
        guard let tree = XMLTree.parse(response.body), tree.name == "ListMultipartUploadsResult" else {
            throw AWSError(kind: .invalidResponse, service: "s3", operation: "ListMultipartUploads", message: "not a ListMultipartUploadsResult document", httpStatus: response.status)
        }
        return tree.children("Upload").compactMap { upload in
            guard let key = upload.value("Key"), let id = upload.value("UploadId") else { return nil }
            return (key, id)
        }
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
    ///
    /// The upload counts as complete only when S3 answered 200 with an XML document
    /// (`CompleteMultipartUploadResult`; as botocore, the root's name is not checked). A
    /// 200 with an `<Error>` body, an empty body or one that is not XML is a failed attempt (retried like a 500; an error
    /// code that is not transient is thrown). When the answer is `NoSuchUpload` — an
    /// earlier attempt may have completed it — the object is checked with HeadObject:
    /// if it carries this upload's composite SHA-256 checksum, the upload did complete.
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [S3CompletedPart], condition: S3WriteCondition? = nil) async throws -> S3PutObjectResult {
        let body = Array(Self.completeBody(parts).utf8)
        var request = OperationRequest(
            operation: "CompleteMultipartUpload", method: "POST", path: Self.objectPath(bucket: bucket, key: key), query: [("uploadId", uploadId)],
            headers: [("Content-Type", "application/xml")] + Self.conditionHeaders(condition), body: body, idempotent: condition == nil)
        request.validate = Self.validateComplete
        let response: HTTPResponse
        do {
            response = try await executor.send(request)
        } catch let error as AWSError where error.code == "NoSuchUpload" {
            let checksum = Self.compositeChecksum(parts)
            if let head = try? await headObject(bucket: bucket, key: key, checksumMode: true), head.checksumSHA256 == checksum {
                return S3PutObjectResult(eTag: head.eTag, checksumSHA256: head.checksumSHA256, versionId: head.versionId)
            }
            throw error
        }
        let tree = XMLTree.parse(response.body)
        return S3PutObjectResult(
            eTag: tree?.value("ETag") ?? response.header("ETag"), checksumSHA256: tree?.value("ChecksumSHA256") ?? response.header("x-amz-checksum-sha256"),
            versionId: response.header("x-amz-version-id"))
    }

    /// nil when a 200 answer to CompleteMultipartUpload confirms the object.
    @Sendable static func validateComplete(_ response: HTTPResponse) -> AWSError? {
        guard let tree = XMLTree.parse(response.body) else {
            let what = response.body.isEmpty ? "an empty body" : "a body that is not XML"
            return AWSError(
                kind: .invalidResponse, service: "s3", operation: "CompleteMultipartUpload", code: "InternalError",
                message: "HTTP \(response.status) with \(what): the upload was not confirmed", httpStatus: response.status,
                requestId: response.header("x-amz-request-id"))
        }
        if tree.name == "Error" {
            var error = ErrorDecoder.decode(response, service: .s3, operation: "CompleteMultipartUpload")
            if error.code == nil { error.code = "InternalError" }
            return error
        }
        return nil
    }

    /// S3's checksum of a multipart object: SHA-256 over the parts' SHA-256 digests,
    /// base64, then `-<part count>`. Nil when a part's checksum is not base64 SHA-256.
    static func compositeChecksum(_ parts: [S3CompletedPart]) -> String? {
        var joined: [UInt8] = []
        for part in parts {
            guard let raw = Data(base64Encoded: part.checksumSHA256), raw.count == 32 else { return nil }
            joined += raw
        }
        return PayloadDigest(of: joined).base64 + "-\(parts.count)"
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
