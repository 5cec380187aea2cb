import ManifestKit

/// `manifest-worker show <manifest>`: validate a manifest and print it.
enum ShowCommand {
    /// What `show` prints.
    enum Output {
        case text, sha256sum, json, nothing
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let path = try ArgumentParser.positionals(arguments, names: ["<manifest>"], command: "show")[0]
        var output = Output.text
        switch arguments.last("--format") {
        case nil, "text": break
        case "sha256sum": output = .sha256sum
        case let other?: throw CLIError.usage("--format", "must be text or sha256sum (got \(JSONText.quoted(other)))", command: "show")
        }
        // --json wins over --format and --quiet; --quiet alone prints nothing.
        if arguments.has("--json") { output = .json } else if arguments.has("--quiet") { output = .nothing }
        let console = context.console
        let printer = ListingPrinter(console: console)
        try Engine.readManifest(path, environment: context.configuration.environment, header: { header in
            if output == .text { console.out(ShowFormat.headerLine(header) + "\n") }
        }, entry: { entry in
            switch output {
            case .text: console.out(ShowFormat.entryLine(entry) + "\n")
            case .sha256sum: if let line = ShowFormat.sha256sumLine(entry) { printer.addRaw(line) }
            case .json, .nothing: break
            }
        }, trailer: { header, trailer in
            switch output {
            case .json: console.out(ManifestJSON.summary(path: path, header: header, trailer: trailer).serialized() + "\n")
            case .text: console.out(ShowFormat.trailerLines(trailer).joined(separator: "\n") + "\n")
            case .sha256sum: try? printer.flushRaw()
            case .nothing: break
            }
        })
        try printer.flushRaw()
        return .success
    }
}

/// JSON forms of a header and trailer (for `show --json`).
enum ManifestJSON {
    static func summary(path: String, header: ManifestHeader, trailer: ManifestTrailer) -> JSONValue {
        var headerMembers: [(String, JSONValue)] = [
            ("manifest", .string(ManifestHeader.formatTag)), ("role", .string(header.role.rawValue)),
        ]
        if let root = header.root { headerMembers.append(("root", .string(root))) }
        if let id = header.fileSystemId { headerMembers.append(("fileSystemId", .string(id))) }
        if let arn = header.recoveryPointArn { headerMembers.append(("recoveryPointArn", .string(arn))) }
        headerMembers += [
            ("startedAt", .string(Timestamp.format(ns: header.startedAtNs))), ("tool", .string(header.tool)), ("hash", .string(header.hash)),
            ("shard", .object([("index", .int(Int64(header.shardIndex))), ("count", .int(Int64(header.shardCount)))])),
        ]
        return .object([
            ("file", .string(path)),
            ("valid", .bool(true)),
            ("header", .object(headerMembers)),
            ("trailer", .object([
                ("entries", .uint(trailer.entries)), ("files", .uint(trailer.files)), ("dirs", .uint(trailer.dirs)),
                ("symlinks", .uint(trailer.symlinks)), ("others", .uint(trailer.others)), ("bytes", .uint(trailer.bytes)),
                ("errors", .uint(trailer.errors)), ("unstable", .uint(trailer.unstable)),
                ("completedAt", .string(Timestamp.format(ns: trailer.completedAtNs))), ("entriesSha256", .string(trailer.entriesSha256)),
            ] + (trailer.reuse.map { r -> [(String, JSONValue)] in
                [("reuse", .object([("reused", .uint(r.reused)), ("sampled", .uint(r.sampled)),
                                    ("mismatches", .uint(r.mismatches)), ("seed", .uint(r.seed))]))]
            } ?? []))),
        ])
    }
}
