/// Word-at-a-time (SWAR) byte checks for the decoder's hot path.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Classifies a string body: `plain` when it holds no `\` and no byte
    /// below 0x20 (so it needs no unescaping), `ascii` when no byte is ≥ 0x80.
    @inline(__always)
    static func classify(_ u: UnsafeBufferPointer<UInt8>) -> (plain: Bool, ascii: Bool) {
        guard let base = u.baseAddress else { return (true, true) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var flags: UInt64 = 0
        var high: UInt64 = 0
        while i + 8 <= u.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let bs = w ^ (ones &* 0x5C)
            flags |= (bs &- ones) & ~bs          // a zero byte in bs: a backslash
            flags |= (w &- ones &* 0x20) & ~w    // a byte below 0x20
            high |= w
            i += 8
        }
        var tail: UInt8 = 0
        var tailHigh: UInt8 = 0
        while i < u.count {
            let c = base[i]
            tail |= (c == 0x5C || c < 0x20) ? 1 : 0
            tailHigh |= c
            i += 1
        }
        return (flags & highs == 0 && tail == 0, (high & highs) == 0 && tailHigh & 0x80 == 0)
    }

    /// True when the 64 bytes at `p` are all lower-case hex digits.
    @inline(__always)
    static func isLowerHex64(_ p: UnsafePointer<UInt8>) -> Bool {
        let raw = UnsafeRawPointer(p)
        var ok = true
        for k in 0..<8 {
            let w = raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)
            // With every byte below 0x80 the per-byte additions cannot carry.
            let geDigit0 = w &+ ones &* 0x50     // ≥ 0x30
            let leDigit9 = ~(w &+ ones &* 0x46)  // ≤ 0x39
            let geA = w &+ ones &* 0x1F          // ≥ 0x61
            let leF = ~(w &+ ones &* 0x19)       // ≤ 0x66
            let good = ((geDigit0 & leDigit9) | (geA & leF)) & highs
            ok = ok && (w & highs == 0) && good == highs
        }
        return ok
    }
}
