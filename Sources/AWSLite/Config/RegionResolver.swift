/// Finds the AWS region the way the SDKs do: `AWS_REGION`, then
/// `AWS_DEFAULT_REGION`, then `region` in the selected profile of the config file.
public enum RegionResolver {
    /// The region, or an ``AWSError`` `.configuration` naming where it was looked for.
    ///
    /// ```swift
    /// let region = try RegionResolver.resolve(environment: ProcessInfo.processInfo.environment,
    ///                                         fileReader: LocalFiles.reader)
    /// ```
    public static func resolve(environment: [String: String], fileReader: FileReader) throws -> String {
        if let region = SharedConfig.nonEmpty(environment["AWS_REGION"]) { return region }
        if let region = SharedConfig.nonEmpty(environment["AWS_DEFAULT_REGION"]) { return region }
        let config = try SharedConfig.load(environment: environment, fileReader: fileReader)
        if let region = SharedConfig.nonEmpty(config.configProfile?["region"]) { return region }
        throw AWSError(
            kind: .configuration,
            message: "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or 'region' in profile '\(config.profileName)' of \(config.configFilePath ?? "~/.aws/config")")
    }
}
