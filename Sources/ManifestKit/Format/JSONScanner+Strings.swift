extension JSONScanner {
    /// A string value, decoded to UTF-8 bytes. Rejects raw control characters,
    /// bad escapes, lone surrogates and invalid UTF-8.
    mutating func string() throws(LineProblem) -> [UInt8] {
        guard peek() == 0x22 else { throw syntax("expected '\"'") }
        i += 1
        let start = i
        var high = false
        // Up to the first backslash the bytes are taken as they are, in one copy.
        while i < u.count {
            let c = u[i]
            if c == 0x22 {
                let out = Array(UnsafeBufferPointer(rebasing: u[start..<i]))
                i += 1
                return try checkedUTF8(out, high: high)
            }
            if c == 0x5C { break }
            if c < 0x20 { throw syntax("control character in a string") }
            if c >= 0x80 { high = true }
            i += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: u[start..<i]))
        return try escapedRest(&out, high: high)
    }

    /// The rest of a string from its first backslash: bytes copied one at a time,
    /// escapes decoded, until the closing quote.
    private mutating func escapedRest(_ out: inout [UInt8], high: Bool) throws(LineProblem) -> [UInt8] {
        var high = high
        while i < u.count {
            let c = u[i]
            if c == 0x22 {
                i += 1
                return try checkedUTF8(out, high: high)
            }
            if c < 0x20 { throw syntax("control character in a string") }
            if c >= 0x80 { high = true }
            i += 1
            guard c == 0x5C else {
                out.append(c)
                continue
            }
            guard i < u.count else { break }
            try appendEscape(&out)
            i += 1
        }
        throw syntax("unterminated string")
    }

    @inline(__always)
    private func checkedUTF8(_ out: [UInt8], high: Bool) throws(LineProblem) -> [UInt8] {
        if high && !UTF8Check.isValid(out) { throw LineProblem("invalid UTF-8 in a string") }
        return out
    }

    /// Appends what the escape whose letter is at `i` (just after the backslash)
    /// stands for; leaves `i` on the escape's last character.
    @inline(__always)
    private mutating func appendEscape(_ out: inout [UInt8]) throws(LineProblem) {
        switch u[i] {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x2F: out.append(0x2F)
        case 0x62: out.append(0x08)
        case 0x66: out.append(0x0C)
        case 0x6E: out.append(0x0A)
        case 0x72: out.append(0x0D)
        case 0x74: out.append(0x09)
        case 0x75: appendUTF8(try unicodeEscape(), &out)
        default: throw syntax("invalid escape")
        }
    }

    /// The scalar of `\uXXXX` with `i` on the `u`, joined with the low surrogate's
    /// `\uXXXX` that must follow a high one; leaves `i` on the last hex digit.
    private mutating func unicodeEscape() throws(LineProblem) -> UInt32 {
        let scalar = try hex4(at: i + 1)
        i += 4
        if scalar >= 0xDC00 && scalar <= 0xDFFF { throw syntax("lone surrogate in \\u escape") }
        guard scalar >= 0xD800 && scalar <= 0xDBFF else { return scalar }
        guard i + 2 < u.count, u[i + 1] == 0x5C, u[i + 2] == 0x75 else {
            throw syntax("lone surrogate in \\u escape")
        }
        let low = try hex4(at: i + 3)
        guard low >= 0xDC00 && low <= 0xDFFF else { throw syntax("lone surrogate in \\u escape") }
        i += 6
        return 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    }

    private func hex4(at p: Int) throws(LineProblem) -> UInt32 {
        guard p + 4 <= u.count else { throw LineProblem("invalid JSON at column \(u.count + 1): unexpected end of line") }
        var v: UInt32 = 0
        for k in p..<(p + 4) {
            let c = u[k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            default: throw LineProblem("invalid JSON at column \(k + 1): invalid \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    private func appendUTF8(_ s: UInt32, _ out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | s >> 6)); out.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | s >> 12)); out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        default:
            out.append(UInt8(0xF0 | s >> 18)); out.append(UInt8(0x80 | s >> 12 & 0x3F))
            out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// A string value for `field`, failing with a type problem for any other value.
    mutating func string(_ field: String) throws(LineProblem) -> [UInt8] {
        guard peek() == 0x22 else {
            try skipValue()
            throw LineProblem("\"\(field)\" must be a string")
        }
        return try string()
    }

    /// Hands the decoded bytes of a string value for `field` to `body`: in place
    /// when the string is plain ASCII without escapes, else decoded first.
    @inline(__always)
    mutating func plainString<R>(
        _ field: String, _ body: (UnsafeBufferPointer<UInt8>) throws(LineProblem) -> R
    ) throws(LineProblem) -> R {
        guard peek() == 0x22 else {
            try skipValue()
            throw LineProblem("\"\(field)\" must be a string")
        }
        var j = i + 1
        while j < u.count, u[j] != 0x22, u[j] != 0x5C, u[j] >= 0x20, u[j] < 0x80 { j += 1 }
        if j < u.count, u[j] == 0x22 {
            let r = try body(UnsafeBufferPointer(rebasing: u[(i + 1)..<j]))
            i = j + 1
            return r
        }
        let decoded = try string()
        return try decoded.withUnsafeBufferPointer { (p) throws(LineProblem) -> R in try body(p) }
    }
}
