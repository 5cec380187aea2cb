import ManifestKit

/// `generate --plan PLAN --shard I` (`EBV_PLAN`, `EBV_SHARD`): walk only shard I
/// of a plan written by `plan-shards`.
struct ShardSelection: Sendable, Equatable {
    var plan: ShardPlan
    /// The plan file's digest (``ShardPlan/digest(of:)``).
    var digest: String
    var index: Int

    var range: ShardRange { plan.range(of: index) ?? .all }

    /// Reads the plan (a file or `s3://`) when `--plan` or `--shard` is given; nil when neither is.
    static func resolve(_ arguments: ParsedArguments, context: CommandContext) throws -> ShardSelection? {
        let config = context.configuration
        let planSetting = config.value(.plan, in: arguments)
        let shardSetting = config.value(.shard, in: arguments)
        guard let planSetting else {
            if let shardSetting { throw CLIError.usage(shardSetting.source, "needs --plan (EBV_PLAN): the plan the shard is of", command: "generate") }
            return nil
        }
        guard let shardSetting else {
            throw CLIError.usage(planSetting.source, "needs --shard (EBV_SHARD): which shard to walk, from 0", command: "generate")
        }
        let bytes = try ManifestInputs.smallFile(planSetting.value, environment: config.environment)
        let plan = try ShardPlan.decode(bytes, name: planSetting.value)
        guard let index = Int(shardSetting.value), index >= 0, index < plan.count else {
            throw CLIError(shardSetting.source, "must be a shard of the plan, an integer from 0 to \(plan.count - 1) (got \(JSONText.quoted(shardSetting.value)))")
        }
        return ShardSelection(plan: plan, digest: ShardPlan.digest(of: bytes), index: index)
    }

    /// Records the shard in a header: index, count, the plan's digest and the range.
    func apply(to header: inout ManifestHeader) {
        header.shardIndex = index
        header.shardCount = plan.count
        header.shardPlan = digest
        header.shardRange = range
    }
}
