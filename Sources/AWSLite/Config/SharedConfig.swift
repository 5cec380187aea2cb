/// The selected profile of the shared `credentials` and `config` files.
///
/// - Files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`) and
///   `AWS_CONFIG_FILE` (default `~/.aws/config`); `~` is `HOME`. A missing file is
///   an empty one.
/// - Profile: `AWS_PROFILE`, else `default`.
/// - In the credentials file a section's name is the profile name (`[x]`). In the
///   config file profiles are `[profile x]`; the default profile is `[default]` (or
///   `[profile default]`, whose keys win); other sections (`[x]`, `[sso-session x]`,
///   `[services x]`) are not profiles.
/// - A profile named by `AWS_PROFILE` that is in neither file is an error.
public struct SharedConfig: Sendable, Equatable {
    public var profileName: String
    /// True when the profile came from `AWS_PROFILE` rather than the default.
    public var profileIsExplicit: Bool
    public var credentialsFilePath: String?
    public var configFilePath: String?
    /// The profile's keys in the credentials file (nil: no such section).
    public var credentialsProfile: [String: String]?
    /// The profile's keys in the config file (nil: no such profile).
    public var configProfile: [String: String]?

    public init(
        profileName: String, profileIsExplicit: Bool = false, credentialsFilePath: String? = nil, configFilePath: String? = nil,
        credentialsProfile: [String: String]? = nil, configProfile: [String: String]? = nil
    ) {
        self.profileName = profileName
        self.profileIsExplicit = profileIsExplicit
        self.credentialsFilePath = credentialsFilePath
        self.configFilePath = configFilePath
        self.credentialsProfile = credentialsProfile
        self.configProfile = configProfile
    }

    /// Reads and parses both files for the selected profile.
    ///
    /// - Throws: ``AWSError`` `.configuration` for a malformed file, an unreadable
    ///   file, or an `AWS_PROFILE` found in neither file.
    public static func load(environment: [String: String], fileReader: FileReader) throws -> SharedConfig {
        let explicit = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profile = explicit ?? "default"
        let credentialsPath = LocalFiles.expandHome(
            nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials", environment: environment)
        let configPath = LocalFiles.expandHome(nonEmpty(environment["AWS_CONFIG_FILE"]) ?? "~/.aws/config", environment: environment)

        var config = SharedConfig(
            profileName: profile, profileIsExplicit: explicit != nil,
            credentialsFilePath: credentialsPath, configFilePath: configPath)
        if let path = credentialsPath, let text = try fileReader(path) {
            config.credentialsProfile = try INIFile.parse(text, fileName: path).section(profile)
        }
        if let path = configPath, let text = try fileReader(path) {
            config.configProfile = configFileProfiles(try INIFile.parse(text, fileName: path))[profile]
        }
        if explicit != nil, config.credentialsProfile == nil, config.configProfile == nil {
            throw AWSError(
                kind: .configuration,
                message: "profile '\(profile)' (AWS_PROFILE) not found in \(credentialsPath ?? "~/.aws/credentials") or \(configPath ?? "~/.aws/config")")
        }
        return config
    }

    /// The profiles of a config file by name (see the type's rules).
    public static func configFileProfiles(_ file: INIFile) -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var profileDefault: [String: String]?
        for section in file.sections {
            if section.name == "default" {
                profiles["default", default: [:]].merge(section.properties) { _, new in new }
                continue
            }
            let words = section.name.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 2, words[0] == "profile" else { continue }
            let name = String(words[1])
            if name == "default" {
                profileDefault = section.properties
            } else {
                profiles[name] = section.properties
            }
        }
        if let profileDefault { profiles["default", default: [:]].merge(profileDefault) { _, new in new } }
        return profiles
    }

    /// A key of the profile: the credentials file first, then the config file.
    public func value(_ key: String) -> String? {
        nonEmptyValue(credentialsProfile?[key]) ?? nonEmptyValue(configProfile?[key])
    }

    private func nonEmptyValue(_ value: String?) -> String? { Self.nonEmpty(value) }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
