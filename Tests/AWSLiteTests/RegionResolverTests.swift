import AWSLite
import XCTest

final class RegionResolverTests: XCTestCase {
    let files = inMemoryFiles([
        "/h/.aws/config": "[default]\nregion = eu-west-1\n[profile p]\nregion = ap-southeast-2\n[profile none]\noutput = json\n",
    ])

    func testPrecedence() throws {
        XCTAssertEqual(
            try RegionResolver.resolve(environment: ["HOME": "/h", "AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"], fileReader: files),
            "us-east-2")
        XCTAssertEqual(try RegionResolver.resolve(environment: ["HOME": "/h", "AWS_REGION": "", "AWS_DEFAULT_REGION": "us-west-1"], fileReader: files), "us-west-1")
        XCTAssertEqual(try RegionResolver.resolve(environment: ["HOME": "/h"], fileReader: files), "eu-west-1")
        XCTAssertEqual(try RegionResolver.resolve(environment: ["HOME": "/h", "AWS_PROFILE": "p"], fileReader: files), "ap-southeast-2")
    }

    func testEnvironmentWinsWithoutReadingFiles() throws {
        let failing: FileReader = { _ in throw AWSError(kind: .configuration, message: "must not be read") }
        XCTAssertEqual(try RegionResolver.resolve(environment: ["AWS_REGION": "us-east-1"], fileReader: failing), "us-east-1")
    }

    func testMissingRegionNamesTheVariables() {
        XCTAssertThrowsError(try RegionResolver.resolve(environment: ["HOME": "/h", "AWS_PROFILE": "none"], fileReader: files)) {
            XCTAssertEqual(
                $0 as? AWSError,
                AWSError(kind: .configuration, message: "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or 'region' in profile 'none' of /h/.aws/config"))
        }
        XCTAssertThrowsError(try RegionResolver.resolve(environment: [:], fileReader: files)) {
            XCTAssertEqual(
                ($0 as? AWSError)?.message,
                "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or 'region' in profile 'default' of ~/.aws/config")
        }
    }
}
