import Foundation
import ManifestKit

/// The text of the gzipped stream `source` reads.
func gunzipText(_ source: any ByteSource) throws -> String {
    let plain = try GzipDecompressingSource(wrapping: source)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try plain.read(into: $0) }
        if n == 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The text of gzipped `data`.
func gunzipText(_ data: Data) throws -> String {
    try gunzipText(MemorySource(Array(data)))
}

/// Writes `text` gzipped to the file at `path`.
func gzip(_ text: String, to path: String) throws {
    let sink = try GzipCompressingSink(wrapping: FileSink(path: path))
    try sink.write(Array(text.utf8))
    try sink.finish()
}
