import CSSL
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes in and out of one connection, plain or TLS.
protocol ByteStream: AnyObject {
    /// Reads what is available (waiting for it); 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Writes some of `bytes` (waiting until possible); returns how many.
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int
}

extension SocketConnection: ByteStream {}

/// OpenSSL client settings: peer verification against the system's trust store, or
/// against the PEM bundle named by `AWS_CA_BUNDLE`; TLS 1.2 at least.
final class TLSContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is configured once in `init` and only read
    // afterwards (SSL_new), which OpenSSL allows from any thread.
    let context: OpaquePointer

    private init(caBundle: String?) throws {
        // OpenSSL writes to the socket with write(2), which raises SIGPIPE when the peer
        // has gone (plain sockets use MSG_NOSIGNAL instead). A vanished server must be
        // an error, not the end of the process: SIGPIPE is ignored from the first https
        // request on (manifest-worker ignores it from the start anyway).
        signal(SIGPIPE, SIG_IGN)
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw HTTPTransportError(stage: .notSent, message: "cannot create a TLS context: \(TLSContext.lastError())", retryable: false)
        }
        self.context = context
        _ = ebv_ssl_ctx_require_tls12(context)
        ebv_ssl_ctx_set_modes(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded: Int32
        if let caBundle {
            loaded = SSL_CTX_load_verify_locations(context, caBundle, nil)
        } else {
            loaded = SSL_CTX_set_default_verify_paths(context)
        }
        guard loaded == 1 else {
            let what = caBundle.map { "the CA bundle \($0) (AWS_CA_BUNDLE)" } ?? "the system's trusted certificates"
            throw HTTPTransportError(stage: .notSent, message: "cannot load \(what): \(TLSContext.lastError())", retryable: false)
        }
    }

    deinit { SSL_CTX_free(context) }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var contexts: [String: TLSContext] = [:]  // guarded by `lock`

    /// One context per trust source, made on first use.
    static func shared(caBundle: String?) throws -> TLSContext {
        try lock.withLock {
            let key = caBundle ?? ""
            if let existing = contexts[key] { return existing }
            let made = try TLSContext(caBundle: caBundle)
            contexts[key] = made
            return made
        }
    }

    /// The oldest queued OpenSSL error as text (and clears the queue).
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown TLS error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A TLS client session over a `SocketConnection`: SNI, certificate chain and host
/// name (or IP address) verification.
final class TLSConnection: ByteStream {
    let socket: SocketConnection
    private let ssl: OpaquePointer
    private let host: String

    /// Performs the handshake within `timeout` seconds.
    /// - Throws: `HTTPTransportError(.notSent)`; not retryable when the certificate is refused.
    init(socket: SocketConnection, context: TLSContext, host: String, timeout: TimeInterval) throws {
        self.socket = socket
        self.host = host
        guard let ssl = SSL_new(context.context) else {
            throw HTTPTransportError(stage: .notSent, message: "cannot start TLS with \(host): \(TLSContext.lastError())")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, socket.fd)
        let isAddress = Self.isIPAddress(host)
        if isAddress {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            _ = ebv_ssl_set_server_name(ssl, host)
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            SSL_set1_host(ssl, host)
        }
        let until = ExchangeTimer.now() &+ ExchangeTimer.nanoseconds(timeout)
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { return }
            let error = SSL_get_error(ssl, result)
            let left = until > ExchangeTimer.now() ? Double(until - ExchangeTimer.now()) / 1e9 : 0
            do {
                switch error {
                case SSL_ERROR_WANT_READ: try socket.wait(forWriting: false, idle: left)
                case SSL_ERROR_WANT_WRITE: try socket.wait(forWriting: true, idle: left)
                default:
                    let verify = SSL_get_verify_result(ssl)
                    if verify != Int(X509_V_OK) {
                        let reason = String(cString: X509_verify_cert_error_string(verify))
                        throw HTTPTransportError(stage: .notSent, message: "the TLS certificate of \(host) was refused: \(reason)", retryable: false)
                    }
                    throw HTTPTransportError(stage: .notSent, message: "TLS handshake with \(host) failed: \(TLSContext.lastError())")
                }
            } catch WaitFailure.idle {
                throw HTTPTransportError(stage: .notSent, message: "timed out after \(SocketConnection.seconds(timeout)) in the TLS handshake with \(host)")
            } catch WaitFailure.deadline {
                throw HTTPTransportError(stage: .notSent, message: "the deadline passed during the TLS handshake with \(host)", retryable: false)
            } catch WaitFailure.cancelled {
                throw CancellationError()
            }
        }
    }

    deinit { SSL_free(ssl) }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
            if count > 0 { return Int(count) }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ: try socket.wait(forWriting: false)
            case SSL_ERROR_WANT_WRITE: try socket.wait(forWriting: true)
            case SSL_ERROR_ZERO_RETURN: return 0
            case SSL_ERROR_SYSCALL where errno != 0: throw SocketFailure(code: errno)
            default: throw TLSFailure(message: TLSContext.lastError())
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            ERR_clear_error()
            let count = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
            if count > 0 { return Int(count) }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ: try socket.wait(forWriting: false)
            case SSL_ERROR_WANT_WRITE: try socket.wait(forWriting: true)
            case SSL_ERROR_SYSCALL where errno != 0: throw SocketFailure(code: errno)
            default: throw TLSFailure(message: TLSContext.lastError())
            }
        }
    }
}

/// A TLS record-layer failure after the handshake (e.g. the peer closed without close_notify).
struct TLSFailure: Error {
    let message: String
}
