#if DEBUG
/// One fuzz target: a name (`scripts/fuzz NAME`) and a function that must return
/// for every input. Errors thrown by the code under test are expected answers; a
/// trap, a sanitizer report or a broken invariant (`fatalError`) is a crash.
struct FuzzTarget: Sendable {
    let name: String
    /// What the input bytes are, for `--list` and docs/fuzzing.md.
    let summary: String
    let run: @Sendable (_ input: [UInt8]) -> Void

    /// Every target, in the order `scripts/fuzz` runs them.
    static let all: [FuzzTarget] = [
        manifestLine, manifestReader, gzipSource, shardIndex, manifestEnds,
        orchestratorEvent, runtimeResponse,
        sigV4Canonical, awsError, sharedConfig,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// The target named by the first argument, fixed for the life of the process
/// (libFuzzer calls ``fuzzTestOneInput(_:_:)`` with no context of its own).
let selectedTarget: FuzzTarget? = CommandLine.arguments.dropFirst().first.flatMap(FuzzTarget.named)

/// libFuzzer's entry point: runs the selected target on one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    runSelectedTarget(data, size)
}

/// The body of ``fuzzTestOneInput(_:_:)``, also handed to `LLVMFuzzerRunDriver`
/// (passing the `@_cdecl` function itself would define its symbol twice).
func runSelectedTarget(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { fatalError("no fuzz target selected") }
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.run(input)
    return 0
}
#endif
