import XCTest
@testable import ManifestKit

final class DiffSeverityPolicyTests: XCTestCase {
    func testDefaultTable() {
        let p = SeverityPolicy.default
        XCTAssertEqual(VerdictClass.allCases.map { p[$0] },
                       [.ok, .info, .error, .error, .error, .error, .warning, .warning, .info, .warning, .error])
        XCTAssertEqual(VerdictClass.lostFound.rawValue, "lost+found")
        XCTAssertEqual(p.overridesDescription, "")
        XCTAssertTrue(Severity.ok < .info && Severity.info < .warning && Severity.warning < .error)
    }

    func testParsingOverrides() throws {
        let p = try SeverityPolicy(parsing: " corrupt=warning, metadata=error ,lost+found=error")
        XCTAssertEqual(p[.corrupt], .warning)
        XCTAssertEqual(p[.metadata], .error)
        XCTAssertEqual(p[.lostFound], .error)
        XCTAssertEqual(p[.missing], .error)
        XCTAssertEqual(p.overridesDescription, "corrupt=warning,metadata=error,lost+found=error")
        XCTAssertEqual(try SeverityPolicy(parsing: ""), .default)
    }

    func testParsingErrors() {
        let cases = [
            ("bogus=error", "severity: unknown class 'bogus' (expected one of: match, changed, torn, missing, extra, corrupt, metadata, unverifiable, omitted, lost+found, reuse-mismatch)"),
            ("corrupt=fatal", "severity: unknown severity 'fatal' for corrupt (expected one of: ok, info, warning, error)"),
            ("corrupt", "severity: expected class=severity, got 'corrupt'"),
            ("corrupt=info,", "severity: expected class=severity, got ''"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try SeverityPolicy(parsing: text), text) { error in
                XCTAssertEqual((error as? ManifestKitError)?.kind, .invalidArgument)
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testOverridesChangePassAndFail() throws {
        let b = [dfFile("a", "abc"), dfFile("b", mode: 0o644)]
        let r = [dfFile("a", "abd"), dfFile("b", mode: 0o600)]
        func report(_ policy: String) throws -> DiffReport {
            var diff = MergeDiff(baseline: dfSource(.baseline, b), post: nil, restored: dfSource(.restored, r),
                                 options: DiffOptions(policy: try SeverityPolicy(parsing: policy)))
            return try diff.run(clock: { 0 })
        }
        let byDefault = try report("")
        XCTAssertFalse(byDefault.passed)
        XCTAssertEqual(byDefault.exitCode, 1)
        let lenient = try report("corrupt=warning")
        XCTAssertTrue(lenient.passed)
        XCTAssertEqual(lenient.exitCode, 0)
        XCTAssertEqual(lenient.findings(of: .corrupt).map(\.severity), [.warning])
        let strict = try report("corrupt=warning,metadata=error")
        XCTAssertFalse(strict.passed)
        XCTAssertEqual(strict.firstErrors.map(\.displayPath), ["b"])
    }
}
