import Glibc

/// Why one line is not acceptable; the reader adds the source name and line number.
struct LineProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A strict, allocation-light JSON tokenizer over one line (RFC 8259: strings
/// with every escape, surrogate pairs, UTF-8 checked; numbers by the grammar).
/// Callers walk objects key by key and read values as the type they expect.
struct JSONScanner {
    let u: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ u: UnsafeBufferPointer<UInt8>) { self.u = u }

    // MARK: - Structure

    func syntax(_ what: String) -> LineProblem {
        LineProblem("invalid JSON at column \(i + 1): \(i < u.count ? what : "unexpected end of line")")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < u.count {
            let c = u[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return i < u.count ? u[i] : nil
    }

    mutating func expect(_ c: UInt8, _ what: String) throws(LineProblem) {
        guard peek() == c else { throw syntax("expected \(what)") }
        i += 1
    }

    /// Consumes `{`; then call ``nextKey(first:)`` until it returns nil.
    mutating func beginObject() throws(LineProblem) {
        try expect(0x7B, "'{'")
    }

    /// Reads the next key of the current object and the `:` after it, and
    /// returns `match` of its decoded bytes; nil after the closing `}`.
    @inline(__always)
    mutating func nextKey<K>(first: inout Bool, _ match: (UnsafeBufferPointer<UInt8>) -> K) throws(LineProblem) -> K? {
        guard let c = peek() else { throw syntax("") }
        if c == 0x7D {
            i += 1
            return nil
        }
        if !first {
            guard c == 0x2C else { throw syntax("expected ',' or '}'") }
            i += 1
            guard peek() == 0x22 else { throw syntax("expected '\"'") }
        } else {
            guard c == 0x22 else { throw syntax("expected '\"' or '}'") }
        }
        first = false
        // Fast path: a plain ASCII key is matched in place.
        var j = i + 1
        while j < u.count, u[j] != 0x22, u[j] != 0x5C, u[j] >= 0x20, u[j] < 0x80 { j += 1 }
        let key: K
        if j < u.count, u[j] == 0x22 {
            key = match(UnsafeBufferPointer(rebasing: u[(i + 1)..<j]))
            i = j + 1
        } else {
            let decoded = try string()
            key = decoded.withUnsafeBufferPointer { match($0) }
        }
        try expect(0x3A, "':'")
        return key
    }

    /// Like ``nextKey(first:_:)`` with the key as a `String` (header and trailer).
    mutating func nextKey(first: inout Bool) throws(LineProblem) -> String? {
        try nextKey(first: &first) { String(decoding: $0, as: UTF8.self) }
    }

    /// Requires that only whitespace remains.
    mutating func end() throws(LineProblem) {
        skipWhitespace()
        guard i == u.count else { throw syntax("unexpected data after the object") }
    }

    // MARK: - Values

    /// A string value, decoded to UTF-8 bytes. Rejects raw control characters,
    /// bad escapes, lone surrogates and invalid UTF-8.
    mutating func string() throws(LineProblem) -> [UInt8] {
        guard peek() == 0x22 else { throw syntax("expected '\"'") }
        i += 1
        let start = i
        var high = false
        while i < u.count {
            let c = u[i]
            if c == 0x22 {
                let out = Array(UnsafeBufferPointer(rebasing: u[start..<i]))
                i += 1
                if high && !UTF8Check.isValid(out) { throw LineProblem("invalid UTF-8 in a string") }
                return out
            }
            if c == 0x5C { break }
            if c < 0x20 { throw syntax("control character in a string") }
            if c >= 0x80 { high = true }
            i += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: u[start..<i]))
        while i < u.count {
            let c = u[i]
            if c == 0x22 {
                i += 1
                if high && !UTF8Check.isValid(out) { throw LineProblem("invalid UTF-8 in a string") }
                return out
            }
            if c < 0x20 { throw syntax("control character in a string") }
            if c >= 0x80 { high = true }
            if c != 0x5C {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < u.count else { break }
            switch u[i] {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4(at: i + 1)
                i += 4
                if scalar >= 0xDC00 && scalar <= 0xDFFF { throw syntax("lone surrogate in \\u escape") }
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 2 < u.count, u[i + 1] == 0x5C, u[i + 2] == 0x75 else {
                        throw syntax("lone surrogate in \\u escape")
                    }
                    let low = try hex4(at: i + 3)
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw syntax("lone surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar, &out)
            default:
                throw syntax("invalid escape")
            }
            i += 1
        }
        throw syntax("unterminated string")
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

    /// An integer value: its sign and exact magnitude. Throws a type problem
    /// naming `field` for any other JSON value (fractions and exponents included),
    /// and a range problem when the magnitude exceeds `UInt64`.
    mutating func integer(_ field: String) throws(LineProblem) -> (negative: Bool, magnitude: UInt64) {
        guard let c = peek() else { throw syntax("") }
        guard c == 0x2D || (c >= 0x30 && c <= 0x39) else {
            try skipValue()
            throw LineProblem("\"\(field)\" must be an integer")
        }
        let negative = c == 0x2D
        if negative { i += 1 }
        guard i < u.count, u[i] >= 0x30, u[i] <= 0x39 else { throw syntax("expected a digit") }
        var v: UInt64 = 0
        var overflow = false
        if u[i] == 0x30 {
            i += 1
        } else {
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(u[i] - 0x30))
                overflow = overflow || o1 || o2
                v = a
                i += 1
            }
        }
        if i < u.count, u[i] == 0x2E || u[i] == 0x65 || u[i] == 0x45 {
            try numberTail()
            throw LineProblem("\"\(field)\" must be an integer")
        }
        if overflow { throw LineProblem("\"\(field)\" is out of range") }
        return (negative, v)
    }

    mutating func uint64(_ field: String) throws(LineProblem) -> UInt64 {
        let (neg, v) = try integer(field)
        if neg && v != 0 { throw LineProblem("\"\(field)\" is out of range") }
        return v
    }

    mutating func uint32(_ field: String) throws(LineProblem) -> UInt32 {
        let v = try uint64(field)
        guard v <= UInt64(UInt32.max) else { throw LineProblem("\"\(field)\" is out of range") }
        return UInt32(v)
    }

    mutating func int64(_ field: String) throws(LineProblem) -> Int64 {
        let (neg, v) = try integer(field)
        if neg {
            guard v <= UInt64(Int64.max) + 1 else { throw LineProblem("\"\(field)\" is out of range") }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        guard v <= UInt64(Int64.max) else { throw LineProblem("\"\(field)\" is out of range") }
        return Int64(v)
    }

    mutating func bool(_ field: String) throws(LineProblem) -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        try skipValue()
        throw LineProblem("\"\(field)\" must be a boolean")
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

    /// Consumes `null` when it is next.
    mutating func null() -> Bool { literal("null") }

    private mutating func literal(_ word: StaticString) -> Bool {
        guard peek() != nil else { return false }
        let n = word.utf8CodeUnitCount
        guard i + n <= u.count, memcmp(u.baseAddress! + i, word.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// Skips one value of any type, checking its syntax (nesting capped at 64).
    mutating func skipValue(depth: Int = 0) throws(LineProblem) {
        guard depth < 64 else { throw syntax("nesting too deep") }
        guard let c = peek() else { throw syntax("") }
        switch c {
        case 0x22:
            _ = try string()
        case 0x7B:
            i += 1
            var first = true
            while try nextKey(first: &first, { _ in true }) != nil { try skipValue(depth: depth + 1) }
        case 0x5B:
            i += 1
            if peek() == 0x5D { i += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                guard let d = peek() else { throw syntax("") }
                i += 1
                if d == 0x5D { return }
                guard d == 0x2C else { i -= 1; throw syntax("expected ',' or ']'") }
            }
        case 0x74, 0x66, 0x6E:
            guard literal("true") || literal("false") || literal("null") else { throw syntax("unexpected character") }
        case 0x2D, 0x30...0x39:
            if c == 0x2D { i += 1 }
            guard i < u.count, u[i] >= 0x30, u[i] <= 0x39 else { throw syntax("expected a digit") }
            if u[i] == 0x30 { i += 1 } else { while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { i += 1 } }
            try numberTail()
        default:
            throw syntax("unexpected character")
        }
    }

    /// The optional fraction and exponent of a number.
    private mutating func numberTail() throws(LineProblem) {
        if i < u.count, u[i] == 0x2E {
            i += 1
            guard i < u.count, u[i] >= 0x30, u[i] <= 0x39 else { throw syntax("expected a digit") }
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { i += 1 }
        }
        if i < u.count, u[i] == 0x65 || u[i] == 0x45 {
            i += 1
            if i < u.count, u[i] == 0x2B || u[i] == 0x2D { i += 1 }
            guard i < u.count, u[i] >= 0x30, u[i] <= 0x39 else { throw syntax("expected a digit") }
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { i += 1 }
        }
    }
}

/// Compares a key's bytes with an ASCII literal.
@inline(__always)
func keyIs(_ k: UnsafeBufferPointer<UInt8>, _ lit: StaticString) -> Bool {
    k.count == lit.utf8CodeUnitCount && memcmp(k.baseAddress!, lit.utf8Start, k.count) == 0
}
