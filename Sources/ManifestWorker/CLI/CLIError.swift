import ManifestKit

/// How `manifest-worker` ends (the process exit status).
enum ExitStatus: Int32, Sendable {
    /// Success; for `diff`/`verify`: no finding of error severity.
    case success = 0
    /// `diff`/`verify` found differences of error severity.
    case differences = 1
    /// Trouble: bad arguments, an invalid manifest, an I/O failure.
    case trouble = 2
}

/// The one error type of the executable. It prints as
/// `manifest-worker: <what>: <why>` on stderr, followed, for usage errors, by
/// a hint naming the help to read.
struct CLIError: Error, Sendable, Equatable {
    /// What the error is about: an option, an argument, a file, an environment variable.
    var what: String
    /// Why it failed, in a few words.
    var why: String
    /// When set, the error is a usage error and a `Try '…--help'` line follows;
    /// the value is the command whose help applies ("" for the top level).
    var helpTopic: String?

    init(_ what: String, _ why: String, helpTopic: String? = nil) {
        self.what = what
        self.why = why
        self.helpTopic = helpTopic
    }

    /// A usage error (bad or missing argument) for `command` ("" = top level).
    static func usage(_ what: String, _ why: String, command: String) -> CLIError {
        CLIError(what, why, helpTopic: command)
    }

    /// The lines written to stderr, each ending in a newline.
    var message: String {
        // `what` is often a name the user gave (a file, a directory): marked
        // when it needed escaping; `why` may quote one.
        var text = "\(Tool.name): \(HumanText.name(what)): \(HumanText.line(why))\n"
        if let topic = helpTopic {
            let cmd = topic.isEmpty ? Tool.name : "\(Tool.name) \(topic)"
            text += "Try '\(cmd) --help'.\n"
        }
        return text
    }
}
