import Glibc

/// Formats an `errno` value the way manifest entries and error messages carry it:
/// `"<ERRNO_NAME>: <strerror text>"`, e.g. `"ENOENT: No such file or directory"`.
public enum SystemError {
    /// `"ENOENT: No such file or directory"` for `ENOENT`.
    public static func describe(_ code: Int32) -> String {
        "\(name(code)): \(message(code))"
    }

    /// The symbolic name (`"EACCES"`), or `"E<number>"` for a code without one here.
    public static func name(_ code: Int32) -> String {
        names[code] ?? "E\(code)"
    }

    /// The C library's text for `code` (`strerror`).
    public static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "Unknown error \(code)" }
        return String(cString: text)
    }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO",
        ENXIO: "ENXIO", E2BIG: "E2BIG", ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT",
        ENOTBLK: "ENOTBLK", EBUSY: "EBUSY", EEXIST: "EEXIST", EXDEV: "EXDEV", ENODEV: "ENODEV",
        ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE",
        EMFILE: "EMFILE", ENOTTY: "ENOTTY", ETXTBSY: "ETXTBSY", EFBIG: "EFBIG",
        ENOSPC: "ENOSPC", ESPIPE: "ESPIPE", EROFS: "EROFS", EMLINK: "EMLINK", EPIPE: "EPIPE",
        EDOM: "EDOM", ERANGE: "ERANGE", EDEADLK: "EDEADLK", ENAMETOOLONG: "ENAMETOOLONG",
        ENOLCK: "ENOLCK", ENOSYS: "ENOSYS", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP",
        ENOMSG: "ENOMSG", EIDRM: "EIDRM", ENOSTR: "ENOSTR", ENODATA: "ENODATA",
        ETIME: "ETIME", ENOSR: "ENOSR", EREMOTE: "EREMOTE", ENOLINK: "ENOLINK",
        EPROTO: "EPROTO", EBADMSG: "EBADMSG", EOVERFLOW: "EOVERFLOW", EILSEQ: "EILSEQ",
        EUSERS: "EUSERS", ENOTSOCK: "ENOTSOCK", EOPNOTSUPP: "EOPNOTSUPP",
        ECONNRESET: "ECONNRESET", ENOBUFS: "ENOBUFS", ETIMEDOUT: "ETIMEDOUT",
        ECONNREFUSED: "ECONNREFUSED", EHOSTUNREACH: "EHOSTUNREACH", ESTALE: "ESTALE",
        EDQUOT: "EDQUOT", ECANCELED: "ECANCELED", ENOTCONN: "ENOTCONN",
        ENETUNREACH: "ENETUNREACH", ENETDOWN: "ENETDOWN", EUCLEAN: "EUCLEAN",
        EREMOTEIO: "EREMOTEIO", ENOMEDIUM: "ENOMEDIUM", EKEYEXPIRED: "EKEYEXPIRED",
    ]
}
