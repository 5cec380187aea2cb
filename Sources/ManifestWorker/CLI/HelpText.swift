/// The options every command accepts, and the help texts.
enum CommandSpecs {
    static let global: [OptionSpec] = [
        OptionSpec("--json"),
        OptionSpec("--quiet", alias: "-q"),
        OptionSpec("--concurrency", value: "N"),
        OptionSpec("--help", alias: "-h"),
        OptionSpec("--version"),
        OptionSpec("--list-settings"),
        OptionSpec("--log-format", value: "FORMAT", choices: ["text", "json"]),
        OptionSpec("--color", value: "WHEN", choices: ["auto", "always", "never"]),
    ]

    /// `generate` and `verify`: the records written while a walk runs.
    static let progress: [OptionSpec] = [OptionSpec("--progress-interval", value: "SECONDS"), OptionSpec("--expect", value: "MANIFEST")]

    static let generate: [OptionSpec] = global + progress + [
        OptionSpec("--output", alias: "-o", value: "FILE"),
        OptionSpec("--role", value: "ROLE", choices: ["baseline", "post", "restored", "local"]),
        OptionSpec("--file-system-id", value: "ID"),
        OptionSpec("--recovery-point-arn", value: "ARN"),
        OptionSpec("--restored-root", value: "WHERE"),
        OptionSpec("--plan", value: "PLAN"),
        OptionSpec("--shard", value: "I"),
        OptionSpec("--reuse-from", value: "MANIFEST"),
        OptionSpec("--rehash-sample", value: "F"),
        OptionSpec("--sample-seed", value: "S"),
    ]

    static let planShards: [OptionSpec] = global + [
        OptionSpec("--shards", value: "K"),
        OptionSpec("--output", alias: "-o", value: "FILE"),
    ]

    static let join: [OptionSpec] = global + [OptionSpec("--output", alias: "-o", value: "FILE")]

    static let diffOptions: [OptionSpec] = [
        OptionSpec("--restored-root", value: "WHERE"),
        OptionSpec("--severity", value: "SPEC"),
        OptionSpec("--report-dir", value: "DIR"),
        OptionSpec("--max-findings", value: "N"),
        OptionSpec("--findings", alias: "--list"),
    ]

    static let diff: [OptionSpec] = global + diffOptions + [OptionSpec("--post", value: "FILE"), OptionSpec("--window-end", value: "TIME"),
                                                            OptionSpec("--progress-interval", value: "SECONDS")]
    static let verify: [OptionSpec] = global + diffOptions + progress
    static let check: [OptionSpec] = global + diffOptions + [OptionSpec("--window-end", value: "TIME")]
    static let show: [OptionSpec] = global + [OptionSpec("--format", value: "FORMAT", choices: ["text", "sha256sum"])]

    /// The commands, in the order help lists them.
    static let commands = ["generate", "diff", "verify", "check", "show", "plan-shards", "join"]

    /// One line on what each command does (completion descriptions, the man page).
    static let summaries: [String: String] = [
        "generate": "walk a directory tree and write its manifest (gzipped NDJSON)",
        "diff": "compare manifests: baseline, optional post, restored",
        "verify": "manifest two directories at once and compare them",
        "check": "walk a directory and compare it with a saved manifest",
        "show": "validate a manifest and print it in readable form",
        "plan-shards": "split a tree into K shards balanced by a previous manifest's cost",
        "join": "join the parts of a sharded walk into one manifest",
        "help": "show help for a command",
        "completion": "print a shell completion script (bash, zsh, fish) or the man page (man)",
    ]

    static func specs(for command: String) -> [OptionSpec]? {
        switch command {
        case "generate": return generate
        case "diff": return diff
        case "verify": return verify
        case "check": return check
        case "show": return show
        case "plan-shards": return planShards
        case "join": return join
        default: return nil
        }
    }
}

/// Help texts, printed on stdout by `--help` (exit 0).
enum HelpText {
    static let globalOptions = """
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
    """

    static let exitStatus = """
    Exit status: 0 success (no finding of error severity), 1 differences of error
    severity, 2 trouble (bad arguments, invalid manifest, I/O error).
    """

    static let topLevel = """
    manifest-worker - prove that a copy of a file tree holds the same files

    Usage:
      manifest-worker generate <dir> [-o FILE|-] [options]
      manifest-worker diff <baseline> [--post <post>] <restored> [options]
      manifest-worker verify <dirA> <dirB> [options]
      manifest-worker check <manifest> <dir> [options]
      manifest-worker show <manifest>
      manifest-worker plan-shards <manifest> --shards K [-o PLAN|-]
      manifest-worker join <part>...|<set.json> [-o FILE|-]
      manifest-worker help [<command>]
      manifest-worker completion bash|zsh|fish|man

    Commands:
      generate     walk a directory tree and write its manifest (gzipped NDJSON)
      diff         compare manifests: baseline, optional post, restored
      verify       manifest two directories at once and compare them
      check        walk a directory and compare it with a saved manifest
      show         validate a manifest and print it in readable form
      plan-shards  split a tree into K shards balanced by a previous manifest
      join         join the parts of a sharded walk into one manifest
      completion   print a completion script for bash, zsh or fish, or the man page

    \(globalOptions)

    Settings also come from EBV_* environment variables; a flag wins over its
    variable. See 'manifest-worker <command> --help'.

    \(exitStatus)

    """

    /// The report options of `diff`, `verify` and `check` (``CommandSpecs/diffOptions``).
    static let reportOptions = """
      --report-dir DIR        write report.json, report.html, findings.ndjson.gz
                              and summary.txt there: a directory or
                              s3://bucket/prefix/ (EBV_REPORT_DIR)
      --max-findings N        findings per class kept in report.json and report.html
                              (default 100; EBV_MAX_FINDINGS)
      --findings, --list      print every finding, one per line, with both sides in
                              full (sha256, size, mode, uid:gid, mtime); with
                              --json as NDJSON (and no report)
    """

    static let progressOptions = """
      --progress-interval S      when stderr is not a terminal: a progress record
                                 every S seconds and one at the end (default 60;
                                 0 off; EBV_PROGRESS_INTERVAL)
      --expect MANIFEST          an earlier manifest of the same tree: records show
                                 percent done and an ETA (EBV_EXPECT)
    """

    static let generate = """
    Usage: manifest-worker generate <dir> [-o FILE|-] [options]

    Walks <dir> (never following symlinks, never leaving its file system), hashes
    every regular file with SHA-256 and writes the manifest: gzipped NDJSON, a
    header line, one line per entry in manifest order, a trailer with counts and
    a digest. The file appears only when complete (written aside, then renamed);
    an s3://bucket/key object likewise (a multipart upload, aborted on failure).
    A device, FIFO or socket is written in place, never replaced; a symlink's
    target is written; /dev/stdout is stdout.

    Options:
      -o, --output FILE          where to write: a file, s3://bucket/key, or - for
                                 stdout (EBV_OUTPUT; default -, refused when stdout
                                 is a terminal)
      --role ROLE                baseline, post, restored or local (EBV_ROLE; default local)
      --file-system-id ID        recorded in the header (EBV_FILE_SYSTEM_ID)
      --recovery-point-arn ARN   recorded in the header (EBV_RECOVERY_POINT_ARN)
      --restored-root WHERE      walk root inside <dir>: none (default), auto (the one
                                 aws-backup-restore_* directory) or a relative
                                 directory (EBV_RESTORED_ROOT)
      --plan PLAN                a shard plan from plan-shards (a file or
                                 s3://bucket/key): walk one shard of it (EBV_PLAN)
      --shard I                  which shard of --plan, 0 to K-1: only its range of
                                 manifest order is walked and written; the header
                                 records the shard, its range and the plan's
                                 SHA-256 (EBV_SHARD). Once the part is complete,
                                 its header and trailer lines are written beside
                                 it as FILE.ends.ndjson (not for stdout or a device)
      --reuse-from MANIFEST      an earlier manifest of the same root and file system
                                 (file or s3://): a file whose size, mtime, ctime and
                                 inode it matches takes its sha256 unread
                                 (EBV_REUSE_FROM; validated before the walk)
      --rehash-sample F          with --reuse-from: the fraction 0-1 of those read
                                 anyway (default 0.01); a differing digest is kept
                                 and marked reuseMismatch (EBV_REHASH_SAMPLE)
      --sample-seed S            the sample's seed, 0-18446744073709551615 (default:
                                 the start time; the same seed reads the same paths;
                                 EBV_SAMPLE_SEED)
    \(progressOptions)

    \(globalOptions)

    With --json, prints the trailer's counts when done (not with -o -).

    \(exitStatus)

    """

    static let diff = """
    Usage: manifest-worker diff <baseline> [--post <post>] <restored> [options]

    Validates the manifests while streaming them (a truncated, tampered or
    unsorted manifest is rejected, exit 2) and classifies every path: match,
    changed, torn, missing, extra, corrupt, metadata, unverifiable, omitted,
    lost+found, reuse-mismatch.
    Prints a short summary; exits 1 when a finding has error severity.
    A manifest argument is a file path, s3://bucket/key, or - for stdin.

    Options:
      --post FILE             the post manifest (taken after the backup): three-way diff
      --window-end TIME       when the backup completed (RFC 3339): without --post, a
                              restored mtime after it is not explained by the backup
                              window (EBV_WINDOW_END)
      --restored-root WHERE   auto (default: strip one aws-backup-restore_* directory),
                              none, or a directory prefix to strip (EBV_RESTORED_ROOT)
      --severity SPEC         class=severity,... with severity ok, info, warning or
                              error, e.g. metadata=error,omitted=ok (EBV_SEVERITY)
    \(reportOptions)
      --progress-interval S   when stderr is not a terminal: a progress record (the
                              restored manifest's entries read) every S seconds and
                              one at the end (default 60; 0 off; EBV_PROGRESS_INTERVAL)

    \(globalOptions)

    With --json, prints the report (report.json) instead of the summary.

    \(exitStatus)

    """

    static let verify = """
    Usage: manifest-worker verify <dirA> <dirB> [options]

    Manifests both directories at the same time (two walkers, no files written)
    and compares them two-way, <dirA> as the baseline and <dirB> as the copy.
    Prints a short summary; exits 1 when a finding has error severity.

    Options:
      --restored-root WHERE   none (default), auto or a directory prefix inside
                              <dirB> to strip (EBV_RESTORED_ROOT)
      --severity SPEC         class=severity,... (EBV_SEVERITY)
    \(reportOptions)
    \(progressOptions)

    \(globalOptions)

    With --json, prints the report instead of the summary.

    \(exitStatus)

    """

    static let check = """
    Usage: manifest-worker check <manifest> <dir> [options]

    Walks <dir> and compares it with a saved manifest (a file path,
    s3://bucket/key, or - for stdin) as the walk goes, two-way, the manifest as
    the baseline; nothing is written. The tree must hold what the manifest
    says: a file changed since the manifest was taken is corrupt (or metadata),
    not changed, unless --window-end says until when changes are expected.
    Prints a short summary; exits 1 when a finding has error severity.

    Options:
      --restored-root WHERE   none (default), auto or a directory prefix inside
                              <dir> to strip (EBV_RESTORED_ROOT)
      --window-end TIME       changes with an mtime up to TIME (RFC 3339) are
                              expected: changed, not corrupt (EBV_WINDOW_END)
      --severity SPEC         class=severity,... (EBV_SEVERITY)
    \(reportOptions)

    \(globalOptions)

    With --json, prints the report instead of the summary.

    \(exitStatus)

    """

    static let show = """
    Usage: manifest-worker show <manifest> [--format text|sha256sum]

    Validates a manifest (a file path, s3://bucket/key, or - for stdin) and
    prints one line per entry, then the trailer:

      type  size  mode uid:gid  mtime (UTC)  sha256 (first 16 hex)  path

    A path that holds a control character, a byte that is not UTF-8 or a
    bidi control is printed escaped (\\n, \\x1b, \\xe9, \\u{202E}) and quoted.

    Options:
      --format FORMAT   text (default), or sha256sum: one "<sha256>  <path>" line per
                        regular file with a digest, for 'sha256sum -c' run in the root

    \(globalOptions)

    With --json, prints the header and trailer as one JSON object instead; with
    --quiet, nothing (the exit status says whether the manifest is valid).

    \(exitStatus)

    """

    static let planShards = """
    Usage: manifest-worker plan-shards <manifest> --shards K [-o PLAN|-]

    Reads a previous manifest of the tree (a file, s3://bucket/key or a
    *.set.json manifest set; read twice, so not -) and writes a shard plan: K
    contiguous ranges of manifest order, each about the same estimated walking
    cost, 800 microseconds per entry plus its bytes at 200 MB/s. A range may
    split a directory. Every boundary is a path of the manifest, so a manifest
    with fewer than K entries gets fewer shards. Walk shard I with
    'generate --plan PLAN --shard I' and put the parts together with 'join'.

    Options:
      --shards K          the number of shards, 1-10000
      -o, --output FILE   where to write the plan: a file, s3://bucket/key, or -
                          for stdout (default -)

    \(globalOptions)

    Prints the plan's SHA-256 and a line per shard; with --json, one object with
    the digest and each shard's entries and cost.

    \(exitStatus)

    """

    static let join = """
    Usage: manifest-worker join <part>... [-o FILE|-]
           manifest-worker join <set.json> [-o FILE|-]

    Streams the parts of a sharded walk (generate --plan --shard), given in shard
    order or listed by a *.set.json manifest set, into one ordinary manifest with a
    new header and trailer: the entries, and their entriesSha256, are those a
    single walk writes. Checks that every part belongs to the same plan, that the
    parts are in order and complete, that each part's entries lie in its range
    and that each part's trailer holds; a part out of order, missing or of
    another plan is named, exit 2, and nothing is written.

    Options:
      -o, --output FILE   a file, s3://bucket/key, or - for stdout (default -,
                          refused when stdout is a terminal)

    \(globalOptions)

    With --json, prints the joined trailer's counts (not with -o -).

    \(exitStatus)

    """

    static let completion = """
    Usage: manifest-worker completion bash|zsh|fish|man

    Prints a completion script for the shell, made from the same option tables
    the parser uses, or the man page (roff; docs/manifest-worker.1). E.g.:

      source <(manifest-worker completion bash)
      manifest-worker completion zsh > ~/.zfunc/_manifest-worker
      manifest-worker completion fish > ~/.config/fish/completions/manifest-worker.fish
      manifest-worker completion man | man -l -

    \(exitStatus)

    """

    static func text(for command: String) -> String? {
        switch command {
        case "": return topLevel
        case "completion": return completion
        case "generate": return generate
        case "diff": return diff
        case "verify": return verify
        case "check": return check
        case "show": return show
        case "plan-shards": return planShards
        case "join": return join
        default: return nil
        }
    }
}
