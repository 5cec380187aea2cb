#if DEBUG
import Foundation

/// Selects a target, then hands over to libFuzzer when the executable was built
/// with `-sanitize=fuzzer` (found with `dlsym`, so the same source links without
/// it), or else runs the target once on each input file.
enum FuzzMain {
    typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    typealias RunDriver = @convention(c) (
        UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>, TestOneInput
    ) -> CInt

    static func run(_ arguments: [String]) -> Never {
        if arguments.count == 2, arguments[1] == "--list" {
            for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
            exit(0)
        }
        guard arguments.count >= 2, let target = selectedTarget, target.name == arguments[1] else {
            let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: ebv-fuzz TARGET [libFuzzer options | FILE...]\ntargets: \(names)\n".utf8))
            exit(2)
        }
        // The arguments libFuzzer sees: the program name, then everything after TARGET.
        let rest = [arguments[0]] + arguments.dropFirst(2)
        if let symbol = dlsym(nil, "LLVMFuzzerRunDriver") {
            let driver = unsafeBitCast(symbol, to: RunDriver.self)
            let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: rest.count + 1)
            for (index, argument) in rest.enumerated() { argv[index] = strdup(argument) }
            argv[rest.count] = nil
            var argc = CInt(rest.count)
            var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
            exit(driver(&argc, &argvPointer, { data, size in runSelectedTarget(data, size) }))
        }
        replay(target, rest.dropFirst())
    }

    /// Runs `target` once on each file (a directory: each file in it, sorted).
    static func replay(_ target: FuzzTarget, _ paths: ArraySlice<String>) -> Never {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("ebv-fuzz: cannot read \(file)\n".utf8))
                exit(2)
            }
            target.run(Array(data))
        }
        print("ebv-fuzz: \(target.name): \(files.count) input(s) ran without a crash")
        exit(0)
    }
}
#endif
