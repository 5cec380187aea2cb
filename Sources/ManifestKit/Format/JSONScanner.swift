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
