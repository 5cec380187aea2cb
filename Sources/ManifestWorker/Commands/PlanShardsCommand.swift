import ManifestKit
import Primitives

/// `manifest-worker plan-shards <manifest> --shards K [-o PLAN|-]`: K ranges of
/// manifest order, balanced by estimated cost (``ShardPlanner``), from a
/// previous manifest (or set) of the tree.
enum PlanShardsCommand {
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let manifest = try ArgumentParser.positionals(arguments, names: ["<manifest>"], command: "plan-shards")[0]
        guard let shardsText = arguments.last("--shards") else {
            throw CLIError.usage("plan-shards", "missing --shards K", command: "plan-shards")
        }
        guard let shards = Int(shardsText), (1...ShardPlan.maxShards).contains(shards) else {
            throw CLIError("--shards", "must be an integer from 1 to \(ShardPlan.maxShards) (got \(JSONText.quoted(shardsText)))")
        }
        let output = arguments.last("--output") ?? "-"
        if manifest == "-" {
            throw CLIError.usage("plan-shards", "the manifest is read twice: give a file or s3:// address, not -", command: "plan-shards")
        }
        let environment = context.configuration.environment
        let sink = try Endpoints.sink(for: output, environment: environment)
        let plan: ShardPlan
        do {
            plan = try ShardPlanner(shards: shards).plan { try ManifestInputs.open(manifest, environment: environment) }
        } catch {
            sink.abort()
            throw error
        }
        let bytes = plan.encoded()
        try sink.writeWhole(bytes)
        let digest = ShardPlan.digest(of: bytes)
        if arguments.has("--json") {
            if !Endpoints.isStdout(output) { context.console.out(summaryJSON(plan, digest: digest, output: output).serialized() + "\n") }
        } else if !arguments.has("--quiet") {
            let lines = summaryLines(plan, digest: digest, asked: shards, output: output).joined(separator: "\n") + "\n"
            if Endpoints.isStdout(output) { context.log.log(.info, lines) } else { context.console.out(lines) }
        }
        return .success
    }

    /// `wrote plan.json: 3 shards of 9 entries (plan <digest>)`, then a line per shard:
    /// `shard 0: 4 entries, 10 bytes, cost 0.012 s, from the start to "d/m"`.
    static func summaryLines(_ plan: ShardPlan, digest: String, asked: Int, output: String) -> [String] {
        var first = "wrote \(Endpoints.isStdout(output) ? "stdout" : output): \(plan.count) shard\(plan.count == 1 ? "" : "s") of \(plan.source.entries) entries (plan \(digest))"
        if plan.count < asked { first += "; \(asked) asked, but every shard needs an entry of the manifest" }
        return [first] + plan.shards.map { shard in
            let from = shard.range.start.map { HumanText.name($0) } ?? "the start"
            let to = shard.range.end.map { HumanText.name($0) } ?? "the end"
            return "shard \(shard.index): \(shard.entries) entries, \(shard.bytes) bytes, cost \(seconds(shard.cost)) s, from \(from) to \(to)"
        }
    }

    /// Microseconds as seconds with three decimals (exact, no floating point).
    static func seconds(_ micros: UInt64) -> String {
        let millis = micros / 1000 + (micros % 1000 >= 500 ? 1 : 0)
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func summaryJSON(_ plan: ShardPlan, digest: String, output: String) -> JSONValue {
        .object([
            ("output", .string(output)), ("plan", .string(digest)), ("shards", .int(Int64(plan.count))),
            ("entries", .array(plan.shards.map { .uint($0.entries) })),
            ("costMicros", .array(plan.shards.map { .uint($0.cost) })),
        ])
    }
}
