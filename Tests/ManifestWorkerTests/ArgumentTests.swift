import XCTest

/// Help, version, usage errors and environment configuration: exact stdout,
/// stderr and exit status of the binary.
final class ArgumentTests: XCTestCase {
    func testTopLevelHelpIsExact() throws {
        let result = try CLIRunner.run(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.out, """
        manifest-worker - prove that a copy of a file tree holds the same files

        Usage:
          manifest-worker generate <dir> [-o FILE|-] [options]
          manifest-worker diff <baseline> [--post <post>] <restored> [options]
          manifest-worker verify <dirA> <dirB> [options]
          manifest-worker check <manifest> <dir> [options]
          manifest-worker show <manifest>
          manifest-worker help [<command>]
          manifest-worker completion bash|zsh|fish|man

        Commands:
          generate   walk a directory tree and write its manifest (gzipped NDJSON)
          diff       compare manifests: baseline, optional post, restored
          verify     manifest two directories at once and compare them
          check      walk a directory and compare it with a saved manifest
          show       validate a manifest and print it in readable form
          completion print a completion script for bash, zsh or fish, or the man page

        Global options:
          --json              print the result as one JSON object on stdout
          -q, --quiet         no progress line and no summary (errors still go to stderr)
          --concurrency N     files hashed at once, 1-1024 (default 32; EBV_CONCURRENCY)
          -h, --help          show help
          --version           print the version and the git commit built from
          --list-settings     print every EBV_* variable it reads (with --json: as JSON)
          --log-format F      stderr lines as text (default) or json, one object per line
                              with level, message, timestamp and fields (EBV_LOG_FORMAT)
          --color WHEN        colour verdicts: auto (default: on a terminal, unless
                              NO_COLOR is set), always or never

        Settings also come from EBV_* environment variables; a flag wins over its
        variable. See 'manifest-worker <command> --help'.

        Exit status: 0 success (no finding of error severity), 1 differences of error
        severity, 2 trouble (bad arguments, invalid manifest, I/O error).

        """)
        XCTAssertEqual(try CLIRunner.run(["-h"]), result)
        XCTAssertEqual(try CLIRunner.run(["help"]), result)
    }

    func testEachCommandHasItsHelp() throws {
        for command in ["generate", "diff", "verify", "show"] {
            let result = try CLIRunner.run([command, "--help"])
            XCTAssertEqual(result.status, 0, command)
            XCTAssertEqual(result.stderr, "", command)
            XCTAssertTrue(result.out.hasPrefix("Usage: manifest-worker \(command) "), result.out)
            XCTAssertTrue(result.out.hasSuffix("severity, 2 trouble (bad arguments, invalid manifest, I/O error).\n"), result.out)
            XCTAssertEqual(try CLIRunner.run(["help", command]), result, command)
            // --help wins over everything else on the line, even bad options.
            XCTAssertEqual(try CLIRunner.run([command, "x", "--help", "y", "z"]), result, command)
        }
    }

    func testVersion() throws {
        XCTAssertEqual(try CLIRunner.run(["--version"]), CLIResult(status: 0, stdout: Data("\(BuiltSource.identifier)\n".utf8), stderr: ""))
        XCTAssertNotNil(BuiltSource.identifier.range(of: #"^manifest-worker 0\.1\.0 \((commit [0-9a-f]{12}, [0-9]{4}-[0-9]{2}-[0-9]{2}|unknown commit)\)$"#,
                                                    options: .regularExpression), BuiltSource.identifier)
        XCTAssertEqual(try CLIRunner.run(["show", "--version"]).out, "\(BuiltSource.identifier)\n")
        XCTAssertEqual(try CLIRunner.run(["--version", "--json"]).out, "{\"tool\":\"manifest-worker\",\"version\":\"0.1.0\",\"source\":\"\(BuiltSource.source)\"}\n")
    }

    func testListSettings() throws {
        let json = try CLIRunner.run(["--list-settings", "--json"])
        XCTAssertEqual(json.status, 0)
        XCTAssertEqual(json.stderr, "")
        XCTAssertTrue(json.out.hasPrefix(
            #"[{"default":"32","flag":"--concurrency","meaning":"I/O and hashing threads, 1-1024","name":"EBV_CONCURRENCY","required":false},"#), json.out)
        XCTAssertTrue(json.out.hasSuffix("\n"))
        let items = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        XCTAssertEqual(items.compactMap { $0["name"] as? String }, [
            "EBV_CONCURRENCY", "EBV_ROLE", "EBV_OUTPUT", "EBV_FILE_SYSTEM_ID", "EBV_RECOVERY_POINT_ARN", "EBV_RESTORED_ROOT",
            "EBV_SEVERITY", "EBV_REPORT_DIR", "EBV_MAX_FINDINGS", "EBV_WINDOW_END", "EBV_PROGRESS_INTERVAL", "EBV_LOG_FORMAT",
            "EBV_EXPECT", "EBV_REUSE_FROM", "EBV_REHASH_SAMPLE", "EBV_SAMPLE_SEED",
        ])
        XCTAssertTrue(items.contains { $0["name"] as? String == "EBV_FILE_SYSTEM_ID" && $0["default"] is NSNull })
        let text = try CLIRunner.run(["show", "--list-settings"])
        XCTAssertEqual(text.status, 0)
        let lines = text.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 16)
        XCTAssertEqual(lines.first.map(String.init), "EBV_CONCURRENCY         --concurrency         I/O and hashing threads, 1-1024 (default 32)")
    }

    private func assertUsageError(_ arguments: [String], _ stderr: String, environment: [String: String] = [:],
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLIRunner.run(arguments, environment: environment)
        XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(), stderr: stderr), file: file, line: line)
    }

    func testUnknownOptionAndCommand() throws {
        try assertUsageError(["generate", "--frob", "dir"], "manifest-worker: --frob: unknown option\nTry 'manifest-worker generate --help'.\n")
        try assertUsageError(["--frob"], "manifest-worker: --frob: unknown option\nTry 'manifest-worker --help'.\n")
        try assertUsageError(["frobnicate"], "manifest-worker: frobnicate: unknown command\nTry 'manifest-worker --help'.\n")
        try assertUsageError(["help", "frobnicate"], "manifest-worker: frobnicate: unknown command\nTry 'manifest-worker --help'.\n")
        try assertUsageError(["show", "--post", "p", "m"], "manifest-worker: --post: unknown option\nTry 'manifest-worker show --help'.\n")
        try assertUsageError(["show", "--json=yes", "m"], "manifest-worker: --json: takes no value\nTry 'manifest-worker show --help'.\n")
    }

    func testMissingAndExtraArguments() throws {
        try assertUsageError([], "manifest-worker: usage: missing command (generate, diff, verify, check or show)\nTry 'manifest-worker --help'.\n")
        try assertUsageError(["generate"], "manifest-worker: generate: missing <dir>\nTry 'manifest-worker generate --help'.\n")
        try assertUsageError(["diff", "b.gz"], "manifest-worker: diff: missing <restored>\nTry 'manifest-worker diff --help'.\n")
        try assertUsageError(["verify"], "manifest-worker: verify: missing <dirA>\nTry 'manifest-worker verify --help'.\n")
        try assertUsageError(["check", "m.gz"], "manifest-worker: check: missing <dir>\nTry 'manifest-worker check --help'.\n")
        try assertUsageError(["show", "a", "b"], "manifest-worker: show: unexpected argument \"b\"\nTry 'manifest-worker show --help'.\n")
        try assertUsageError(["generate", "dir", "-o"], "manifest-worker: -o: needs a value (FILE)\nTry 'manifest-worker generate --help'.\n")
        try assertUsageError(["diff", "-", "-"], "manifest-worker: -: stdin can be read only once\nTry 'manifest-worker diff --help'.\n")
        // With --json the error is JSON too (docs/cli.md "Errors").
        try assertUsageError(["generate", "dir", "--json"],
                             #"{"level":"error","message":"--json: cannot be used when the manifest goes to stdout (use -o FILE)","path":null,"errno":null,"help":"manifest-worker generate --help"}"# + "\n")
    }

    func testBadValuesNameTheirSource() throws {
        let dir = try TestDirectory()
        try assertUsageError(["generate", dir.path, "-o", dir.at("m.gz"), "--concurrency", "0"],
                             "manifest-worker: --concurrency: must be an integer from 1 to 1024 (got \"0\")\n")
        try assertUsageError(["generate", dir.path, "-o", dir.at("m.gz")],
                             "manifest-worker: EBV_CONCURRENCY: must be an integer from 1 to 1024 (got \"many\")\n",
                             environment: ["EBV_CONCURRENCY": "many"])
        try assertUsageError(["generate", dir.path, "-o", dir.at("m.gz"), "--role", "primary"],
                             "manifest-worker: --role: must be baseline, post, restored or local (got \"primary\")\n")
        try assertUsageError(["diff", "b.gz", "r.gz"],
                             "manifest-worker: EBV_SEVERITY: unknown class 'bogus' (expected one of: match, changed, torn, missing, extra, corrupt, metadata, unverifiable, omitted, lost+found, reuse-mismatch)\n",
                             environment: ["EBV_SEVERITY": "bogus=error"])
        try assertUsageError(["diff", "b.gz", "r.gz", "--severity", "corrupt=fatal"],
                             "manifest-worker: --severity: unknown severity 'fatal' for corrupt (expected one of: ok, info, warning, error)\n")
        try assertUsageError(["diff", "b.gz", "r.gz", "--max-findings", "-3"],
                             "manifest-worker: --max-findings: must be a non-negative integer (got \"-3\")\n")
        let noRegion = "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or 'region' in profile 'default' of ~/.aws/config\n"
        try assertUsageError(["generate", dir.path, "-o", "s3://bucket/key.gz"], "manifest-worker: s3://bucket/key.gz: " + noRegion)
        try assertUsageError(["show", "s3://bucket/key.gz"], "manifest-worker: s3://bucket/key.gz: " + noRegion)
        try assertUsageError(["generate", dir.at("absent"), "-o", dir.at("m.gz")],
                             "manifest-worker: \(dir.at("absent")): ENOENT: No such file or directory\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.at("m.gz")))
        dir.mkdir("t/sub")
        try assertUsageError(["generate", dir.at("t"), "-o", dir.at("t/sub/m.gz")],
                             "manifest-worker: \(dir.at("t/sub/m.gz")): is inside the tree being walked (\(dir.at("t"))); write the manifest elsewhere\n")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t/sub"), "-o", dir.at("t/m.gz"), "-q"]).status, 0)
    }

    func testFlagsWinOverEnvironment() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let env = ["EBV_CONCURRENCY": "many", "EBV_ROLE": "post", "EBV_OUTPUT": dir.at("env.gz"),
                   "EBV_FILE_SYSTEM_ID": "fs-0123", "EBV_RECOVERY_POINT_ARN": "arn:aws:backup:eu-west-1:1:recovery-point:x"]
        let flagged = try CLIRunner.run(["generate", dir.at("t"), "--concurrency", "2", "-q"], environment: env)
        XCTAssertEqual(flagged, CLIResult(status: 0, stdout: Data(), stderr: ""))
        let shown = try CLIRunner.run(["show", dir.at("env.gz")])
        XCTAssertEqual(shown.status, 0, shown.description)
        let header = shown.out.split(separator: "\n")[0]
        XCTAssertTrue(header.contains("  role post  "), String(header))
        XCTAssertTrue(header.hasSuffix("  root \(dir.at("t"))  fileSystemId fs-0123  recoveryPointArn arn:aws:backup:eu-west-1:1:recovery-point:x"), String(header))

        let overridden = try CLIRunner.run(["generate", dir.at("t"), "--concurrency=2", "--role", "baseline", "-o", dir.at("flag.gz"), "-q"],
                                           environment: env)
        XCTAssertEqual(overridden.status, 0, overridden.description)
        XCTAssertTrue(try CLIRunner.run(["show", dir.at("flag.gz")]).out.contains("  role baseline  "))
    }
}
