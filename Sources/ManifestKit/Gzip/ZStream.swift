import CZlib

/// A heap-allocated `z_stream` (zlib keeps a pointer back to it, so it must
/// not move) plus the error text zlib left in it.
final class ZStream {
    let strm: UnsafeMutablePointer<z_stream>

    init() {
        strm = .allocate(capacity: 1)
        strm.initialize(to: z_stream())
    }

    deinit {
        strm.deinitialize(count: 1)
        strm.deallocate()
    }

    /// zlib's message for the last error, or a description of `code`.
    func message(_ code: Int32) -> String {
        if let msg = strm.pointee.msg { return String(cString: msg) }
        switch code {
        case Z_MEM_ERROR: return "out of memory"
        case Z_STREAM_ERROR: return "stream error"
        case Z_DATA_ERROR: return "data error"
        case Z_BUF_ERROR: return "buffer error"
        case Z_NEED_DICT: return "needs a preset dictionary"
        default: return "zlib error \(code)"
        }
    }

    static var streamSize: Int32 { Int32(MemoryLayout<z_stream>.size) }
}
