extension AWSError {
    /// S3 answered 412 PreconditionFailed: a conditional write (`If-None-Match: *`,
    /// `If-Match: <etag>`) or read (`If-Match`) lost against the object's current state.
    public var isPreconditionFailed: Bool {
        kind == .service && (httpStatus == 412 || code == "PreconditionFailed")
    }

    /// The object, bucket, job or resource does not exist (404, or a not-found code).
    public var isNotFound: Bool {
        guard kind == .service else { return false }
        if httpStatus == 404 { return true }
        guard let code else { return false }
        return AWSError.notFoundCodes.contains(code)
    }

    static let notFoundCodes: Set<String> = [
        "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound", "ResourceNotFoundException",
        "FileSystemNotFound", "MountTargetNotFound", "AccessPointNotFound", "ClientException.NotFound",
    ]

    /// AWS refused the request's credentials or signature date as expired
    /// (`ExpiredToken`, `ExpiredTokenException`, `RequestExpired`, `TokenRefreshRequired`).
    /// New credentials (and a new signature) may succeed.
    public var isExpiredCredentials: Bool {
        guard kind == .service, let code else { return false }
        return AWSError.expiredCredentialCodes.contains(code)
    }

    static let expiredCredentialCodes: Set<String> = [
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired",
    ]

    /// Codes with which services refuse a session token that has ended or been revoked
    /// ("The security token included in the request is invalid"). With long-term keys
    /// (no session token) they mean a wrong key, which new credentials cannot fix.
    static let invalidSessionTokenCodes: Set<String> = ["InvalidClientTokenId", "UnrecognizedClientException", "InvalidToken"]

    /// Whether fetching new credentials may cure this error: it is an expiry, or a
    /// session token was sent and refused as invalid.
    func asksForNewCredentials(sentSessionToken: Bool) -> Bool {
        if isExpiredCredentials { return true }
        guard sentSessionToken, kind == .service, let code else { return false }
        return AWSError.invalidSessionTokenCodes.contains(code)
    }

    /// The service throttled the request (a throttling code or HTTP 429).
    public var isThrottling: Bool {
        guard kind == .service else { return false }
        if httpStatus == 429 { return true }
        guard let code else { return false }
        return AWSError.throttlingCodes.contains(code)
    }

    /// Error codes that mean "slow down and try again" across the five services.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "ProvisionedThroughputExceeded",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]
}
