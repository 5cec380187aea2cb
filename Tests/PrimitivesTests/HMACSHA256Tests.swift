import Primitives
import XCTest

/// RFC 4231 test cases 1, 2, 3, 6 and 7 (HMAC-SHA-256), and the block-size edge.
final class HMACSHA256Tests: XCTestCase {
    private func mac(_ key: [UInt8], _ data: [UInt8]) -> String { Hex.encode(HMACSHA256.code(key: key, data: data)) }

    func testRFC4231() {
        XCTAssertEqual(mac([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8)),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(mac(Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(mac([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50)),
                       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
        let longKey = [UInt8](repeating: 0xAA, count: 131)
        XCTAssertEqual(mac(longKey, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        let data = "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
        XCTAssertEqual(mac(longKey, Array(data.utf8)), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    /// A 64-byte key is used as it is, a 65-byte one hashed first (values from `openssl dgst -mac HMAC`).
    func testKeysAtTheBlockSize() {
        XCTAssertEqual(mac([UInt8](repeating: 1, count: 64), Array("abc".utf8)), "0c462fe9789424c45ebeb37b90d6e879e8e0580849c91a84198b267a90c77250")
        XCTAssertEqual(mac([UInt8](repeating: 1, count: 65), Array("abc".utf8)), "fb1e9b9f783337ca807b11cd396d1c31eb5267d95d2d2bb0f1d83ffafbbf64e9")
        XCTAssertEqual(mac([], []), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        XCTAssertEqual(HMACSHA256.code(key: [], data: []), HMACSHA256.code(key: [0], data: []))
    }
}
