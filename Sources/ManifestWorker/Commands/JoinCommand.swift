import ManifestKit

/// `manifest-worker join <part>... -o MANIFEST` or `join <set.json> -o MANIFEST`:
/// the parts of one plan streamed, in order, into one ordinary manifest (a new
/// header and trailer), checked as `ManifestSetReader` checks them.
enum JoinCommand {
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let inputs = arguments.positionals
        guard !inputs.isEmpty else { throw CLIError.usage("join", "missing <part> (or <set.json>)", command: "join") }
        if inputs.count > 1, let set = inputs.first(where: ManifestInputs.isSet) {
            throw CLIError.usage(set, "a set index is joined alone (its parts are listed in it)", command: "join")
        }
        if let stdin = inputs.first(where: { $0 == "-" }) {
            throw CLIError.usage(stdin, "parts are read by name (their headers first): give files or s3:// addresses", command: "join")
        }
        let output = arguments.last("--output") ?? "-"
        if Endpoints.isStdout(output), context.console.stdoutIsTerminal {
            throw CLIError.usage("join", "refusing to write a gzip manifest to a terminal (use -o FILE or redirect stdout)", command: "join")
        }
        let environment = context.configuration.environment
        var reader: any ManifestStream
        if inputs.count == 1, ManifestInputs.isSet(inputs[0]) {
            reader = try ManifestInputs.open(inputs[0], environment: environment)
        } else {
            reader = try ManifestSetReader(partLocations: inputs) { try Endpoints.source(for: $0, environment: environment) }
        }
        let sink = try Endpoints.sink(for: output, environment: environment)
        let writer: ManifestWriter
        do {
            writer = try ManifestWriter(header: reader.header, sink: sink)
        } catch {
            sink.abort()
            throw error
        }
        let trailer: ManifestTrailer
        do {
            while let entry = try reader.next() { try writer.append(entry) }
            guard let joined = reader.trailer else {
                throw ManifestKitError(.invalidManifest, subject: reader.name, reason: "no trailer")
            }
            // Parts made with --reuse-from: their reuse counts, summed (mismatches are the writer's own count).
            trailer = try writer.finish(completedAtNs: joined.completedAtNs, reuse: joined.reuse)
        } catch {
            writer.abort()
            throw error
        }
        if arguments.has("--json") {
            if !Endpoints.isStdout(output) {
                context.console.out(summaryJSON(trailer, output: output, parts: inputs).serialized() + "\n")
            }
        } else if !arguments.has("--quiet") {
            let line = GenerateCommand.summaryLine(trailer, output: output) + "\n"
            if Endpoints.isStdout(output) { context.log.log(.info, line) } else { context.console.out(line) }
        }
        return .success
    }

    /// The joined manifest's trailer counts and digest, and what was joined.
    static func summaryJSON(_ trailer: ManifestTrailer, output: String, parts: [String]) -> JSONValue {
        .object([
            ("output", .string(output)), ("inputs", .array(parts.map(JSONValue.string))),
            ("entries", .uint(trailer.entries)), ("files", .uint(trailer.files)), ("dirs", .uint(trailer.dirs)),
            ("symlinks", .uint(trailer.symlinks)), ("others", .uint(trailer.others)), ("bytes", .uint(trailer.bytes)),
            ("errors", .uint(trailer.errors)), ("unstable", .uint(trailer.unstable)),
            ("entriesSha256", .string(trailer.entriesSha256)),
        ])
    }
}
