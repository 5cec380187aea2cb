// ebv-fuzz: the project's libFuzzer targets in one executable (docs/fuzzing.md).
//
//   ebv-fuzz TARGET [libFuzzer options] [CORPUS_DIR...]   built by scripts/fuzz with
//                                                         -sanitize=fuzzer,address
//   ebv-fuzz TARGET FILE_OR_DIR...                         any debug build: runs each input once
//   ebv-fuzz --list
#if DEBUG
import Foundation

FuzzMain.run(CommandLine.arguments)
#else
import Foundation

FileHandle.standardError.write(Data("ebv-fuzz: the fuzz targets need a debug build (see docs/fuzzing.md)\n".utf8))
exit(2)
#endif
