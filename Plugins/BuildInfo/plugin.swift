import Foundation
import PackagePlugin

/// Stamps the git commit (and its date) a target is built from into a
/// generated `BuildInfo.swift`: `enum BuildInfo { static let source = "commit <12 hex>, <YYYY-MM-DD>" }`.
/// The commit is, first, `EBV_BUILD_COMMIT` (7 to 40 hex digits) with `EBV_BUILD_DATE`
/// (`YYYY-MM-DD`) when both are set — how a build without `.git` (a Docker build context:
/// docker/worker.Dockerfile's build args) is stamped; a malformed value fails the build;
/// else the package's own git checkout; else `"unknown commit"` (a tarball, or git is
/// missing). The script is `scripts/build-info`; it runs under `/bin/sh` before every
/// build (build-tool plugins are not sandboxed on Linux) and rewrites the file only when
/// its text changes.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.pluginWorkDirectoryURL.appending(path: "generated")
        let environment = ProcessInfo.processInfo.environment
        let commit = environment["EBV_BUILD_COMMIT"] ?? "", day = environment["EBV_BUILD_DATE"] ?? ""
        let script = context.package.directoryURL.appending(path: "scripts/build-info")
        return [.prebuildCommand(displayName: "Stamping the git commit into \(target.name)",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: [script.path, context.package.directoryURL.path,
                                             directory.appending(path: "BuildInfo.swift").path, commit, day],
                                 outputFilesDirectory: directory)]
    }
}
