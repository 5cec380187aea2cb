import Dispatch
import XCTest
import Primitives

/// FIPS 180-2 / NIST CAVP example vectors.
final class SHA256Tests: XCTestCase {
    func testEmptyInput() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testAbc() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTwoBlockMessage() {
        let m = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        XCTAssertEqual(SHA256.hex(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testOneMillionAInChunks() {
        let h = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        XCTAssertEqual(h.finalizeHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testFinalizeResets() {
        let h = SHA256()
        h.update(Array("junk".utf8))
        _ = h.finalize()
        h.update(Array("abc".utf8))
        XCTAssertEqual(h.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testResetDiscardsInputAndRepeatedFinalizeGivesEmptyDigest() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        let h = SHA256()
        h.update(Array("junk".utf8))
        h.reset()
        h.reset()
        h.update(Array("abc".utf8))
        XCTAssertEqual(h.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(h.finalizeHex(), empty)
        h.reset()
        XCTAssertEqual(h.finalize(), Hex.decode(empty))
    }

    func testHashersOnManyThreadsAgree() {
        let inputs = (0..<64).map { i in [UInt8](repeating: UInt8(i), count: 1000 + i) }
        let expected = inputs.map { SHA256.hex($0) }
        let results = UnsafeMutableBufferPointer<String>.allocate(capacity: inputs.count)
        results.initialize(repeating: "")
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            let h = SHA256()
            for _ in 0..<50 { h.update(inputs[i]); _ = h.finalize() }
            h.update(inputs[i])
            out[i] = h.finalizeHex()
        }
        XCTAssertEqual(Array(results), expected)
    }

    func testHexRoundTrip() {
        XCTAssertEqual(Hex.decode("00ff10Ab"), [0x00, 0xFF, 0x10, 0xAB])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertEqual(Hex.encode([0x00, 0xFF, 0x10, 0xAB]), "00ff10ab")
        XCTAssertEqual(Hex.encode(Array(0...255)).count, 512)
        XCTAssertEqual(Hex.decode(Hex.encode(Array(0...255))), Array(0...255))
        XCTAssertEqual(Hex.encode([]), "")
    }
}
