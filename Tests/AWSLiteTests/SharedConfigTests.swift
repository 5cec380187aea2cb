import AWSLite
import XCTest

/// A ``FileReader`` over an in-memory map of path → contents.
func inMemoryFiles(_ files: [String: String]) -> FileReader {
    { path in files[path] }
}

final class SharedConfigTests: XCTestCase {
    func testINIParsingEdgeCases() throws {
        let text = """
            # leading comment
            ; another
            [default]
            aws_access_key_id=AKID1
            aws_secret_access_key   =   secret with spaces   # trailing comment
            note = a;b#c ;gone
            region = eu-west-1
            empty =
            continued = first
              second
            [ profile  dev ]   ; comment after header
            region=us-west-2
            s3 =
              max_concurrent_requests = 10
              addressing_style = path
            \tafter = tab
            [default]
            region = eu-central-1\r
            """
        let ini = try INIFile.parse(text, fileName: "cfg")
        XCTAssertEqual(ini.sections.map(\.name), ["default", "profile  dev"])
        XCTAssertEqual(
            ini.section("default"),
            [
                "aws_access_key_id": "AKID1", "aws_secret_access_key": "secret with spaces", "note": "a;b#c",
                "region": "eu-central-1", "empty": "", "continued": "first\nsecond",
            ])
        XCTAssertEqual(ini.section("profile  dev")?["region"], "us-west-2")
        XCTAssertEqual(
            ini.section("profile  dev")?["s3"], "\nmax_concurrent_requests = 10\naddressing_style = path\nafter = tab")
    }

    func testINIErrorsNameFileAndLine() {
        XCTAssertThrowsError(try INIFile.parse("key = v\n", fileName: "/h/.aws/config")) {
            XCTAssertEqual(($0 as? AWSError)?.message, "/h/.aws/config line 1: property outside any [section]")
        }
        XCTAssertThrowsError(try INIFile.parse("[a]\n\njust words\n", fileName: "f")) {
            XCTAssertEqual(($0 as? AWSError)?.message, "f line 3: expected 'key = value'")
        }
        XCTAssertThrowsError(try INIFile.parse("[a\n", fileName: "f")) {
            XCTAssertEqual(($0 as? AWSError)?.message, "f line 1: section header without ']'")
        }
        XCTAssertThrowsError(try INIFile.parse("[a] x\n", fileName: "f")) {
            XCTAssertEqual(($0 as? AWSError)?.message, "f line 1: unexpected text after section header")
        }
        XCTAssertThrowsError(try INIFile.parse("[a]\n = v\n", fileName: "f")) {
            XCTAssertEqual(($0 as? AWSError)?.kind, .configuration)
        }
    }

    func testConfigFileProfilesNeedTheProfilePrefix() throws {
        let ini = try INIFile.parse(
            """
            [default]
            region = a
            output = json
            [profile default]
            region = b
            [profile x]
            region = c
            [y]
            region = d
            [sso-session s]
            sso_region = e
            [profilez]
            region = f
            """, fileName: "config")
        let profiles = SharedConfig.configFileProfiles(ini)
        XCTAssertEqual(profiles.keys.sorted(), ["default", "x"])
        XCTAssertEqual(profiles["default"], ["region": "b", "output": "json"])
        XCTAssertEqual(profiles["x"], ["region": "c"])
    }

    func testDefaultPathsUseHomeAndDefaultProfile() throws {
        let files = inMemoryFiles([
            "/home/u/.aws/credentials": "[default]\naws_access_key_id = K\n[profile x]\naws_access_key_id = PX\n",
            "/home/u/.aws/config": "[default]\nregion = eu-west-1\n[x]\nregion = nope\n",
        ])
        let config = try SharedConfig.load(environment: ["HOME": "/home/u/"], fileReader: files)
        XCTAssertEqual(config.profileName, "default")
        XCTAssertFalse(config.profileIsExplicit)
        XCTAssertEqual(config.credentialsFilePath, "/home/u/.aws/credentials")
        XCTAssertEqual(config.configFilePath, "/home/u/.aws/config")
        XCTAssertEqual(config.credentialsProfile, ["aws_access_key_id": "K"])
        XCTAssertEqual(config.configProfile, ["region": "eu-west-1"])
    }

    func testProfileSelectionAndFileOverrides() throws {
        let files = inMemoryFiles([
            "/c/creds": "[work]\naws_access_key_id = W\n[profile work]\naws_access_key_id = literal\n",
            "/c/conf": "[profile work]\nregion = ap-south-1\n[work]\nregion = ignored\n",
        ])
        let env = ["HOME": "/home/u", "AWS_PROFILE": "work", "AWS_SHARED_CREDENTIALS_FILE": "/c/creds", "AWS_CONFIG_FILE": "/c/conf"]
        let config = try SharedConfig.load(environment: env, fileReader: files)
        XCTAssertEqual(config.profileName, "work")
        XCTAssertTrue(config.profileIsExplicit)
        XCTAssertEqual(config.credentialsProfile, ["aws_access_key_id": "W"])
        XCTAssertEqual(config.configProfile, ["region": "ap-south-1"])
        XCTAssertEqual(config.value("aws_access_key_id"), "W")
        XCTAssertEqual(config.value("region"), "ap-south-1")
    }

    func testTildeInOverridePathsAndMissingFiles() throws {
        let files = inMemoryFiles(["/home/u/alt/creds": "[default]\nx = 1\n"])
        let config = try SharedConfig.load(
            environment: ["HOME": "/home/u", "AWS_SHARED_CREDENTIALS_FILE": "~/alt/creds"], fileReader: files)
        XCTAssertEqual(config.credentialsProfile, ["x": "1"])
        XCTAssertNil(config.configProfile)
        let noHome = try SharedConfig.load(environment: [:], fileReader: files)
        XCTAssertNil(noHome.credentialsFilePath)
        XCTAssertNil(noHome.credentialsProfile)
    }

    func testExplicitProfileMissingIsAnError() {
        let files = inMemoryFiles(["/home/u/.aws/config": "[profile other]\nregion = a\n"])
        XCTAssertThrowsError(try SharedConfig.load(environment: ["HOME": "/home/u", "AWS_PROFILE": "nope"], fileReader: files)) {
            XCTAssertEqual(
                $0 as? AWSError,
                AWSError(kind: .configuration, message: "profile 'nope' (AWS_PROFILE) not found in /home/u/.aws/credentials or /home/u/.aws/config"))
        }
    }

    func testMalformedFilePropagates() {
        let files = inMemoryFiles(["/home/u/.aws/credentials": "oops\n"])
        XCTAssertThrowsError(try SharedConfig.load(environment: ["HOME": "/home/u"], fileReader: files)) {
            XCTAssertEqual(($0 as? AWSError)?.message, "/home/u/.aws/credentials line 1: property outside any [section]")
        }
    }

    func testLocalFilesReader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-sharedconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("credentials").path
        try "[default]\naws_access_key_id = A\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try LocalFiles.reader(path), "[default]\naws_access_key_id = A\n")
        XCTAssertNil(try LocalFiles.reader(dir.appendingPathComponent("missing").path))
        XCTAssertEqual(LocalFiles.expandHome("~/x", environment: ["HOME": "/h"]), "/h/x")
        XCTAssertEqual(LocalFiles.expandHome("/abs", environment: [:]), "/abs")
        XCTAssertNil(LocalFiles.expandHome("~/x", environment: [:]))
    }
}
