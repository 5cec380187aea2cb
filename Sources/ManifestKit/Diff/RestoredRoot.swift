/// How the restored manifest's paths map onto the baseline's.
///
/// AWS Backup restores an EFS file system into a single top-level
/// `aws-backup-restore_<timestamp>/` directory, and may put fragments of files
/// modified during the backup into a top-level `aws-backup-lost+found/`.
public enum RestoredRootMode: Sendable, Equatable {
    /// Strip a single top-level `aws-backup-restore_*` directory if there is
    /// one; leave paths unchanged otherwise.
    case auto
    /// Paths are compared as they are.
    case none
    /// Strip this top-level directory (a name without `/`); it must exist.
    case directory([UInt8])

    /// Parses `auto`, `none` or a top-level directory name.
    /// - Throws: `ManifestKitError.invalidArgument` for an empty name or one with `/`.
    public init(parsing text: String) throws {
        switch text {
        case "auto": self = .auto
        case "none": self = .none
        default:
            let bytes = Array(text.utf8)
            guard !bytes.isEmpty, !bytes.contains(0x2F), !bytes.contains(0) else {
                throw ManifestKitError(.invalidArgument, subject: "restored-root",
                                       reason: "expected auto, none or a top-level directory name, got '\(text)'")
            }
            self = .directory(bytes)
        }
    }
}

/// One item of a restored manifest after root handling.
public enum RestoredItem: Sendable, Equatable {
    /// An entry of the restored tree, its path relative to the restored root.
    case entry(ManifestEntry)
    /// An entry below the top-level `aws-backup-lost+found` (path unchanged).
    case lostFound(ManifestEntry)
    /// An entry outside the restored root, such as a stray top-level file next
    /// to `aws-backup-restore_*` (path unchanged).
    case outsideRoot(ManifestEntry)
    /// The restored root directory itself, when it carries an `error` (its
    /// listing failed): everything below it is unknown (path unchanged).
    case unreadableRoot(ManifestEntry)
}

/// Streams a restored manifest through `RestoredRootMode`, in O(1) memory.
///
/// The input must be in manifest order: `aws-backup-lost+found` sorts before
/// `aws-backup-restore_*`, so `auto` decides at the first top-level name that is
/// neither lost+found nor `aws-backup-failed-restore_*`: a restore directory is
/// stripped, anything else means "no restore directory". A second restore
/// directory, or one after other top-level entries, is ambiguous.
public struct RestoredRootAdapter {
    static let lostFoundName = Array("aws-backup-lost+found".utf8)
    static let restorePrefix = Array("aws-backup-restore_".utf8)
    static let failedRestorePrefix = Array("aws-backup-failed-restore_".utf8)

    private enum State {
        case undecided
        case passThrough
        case stripping([UInt8])
    }

    private var base: any ManifestEntrySource
    private let mode: RestoredRootMode
    private var state: State
    /// The root directory that is stripped, once known.
    public private(set) var strippedRoot: [UInt8]?

    public init(_ base: any ManifestEntrySource, mode: RestoredRootMode) {
        self.base = base
        self.mode = mode
        switch mode {
        case .auto: state = .undecided
        case .none: state = .passThrough
        case .directory(let name): state = .stripping(name)
        }
    }

    public var header: ManifestHeader { base.header }

    /// The next item, or nil at the end.
    /// - Throws: the source's errors; `invalidArgument` when the restore root is
    ///   ambiguous or (for `.directory`) absent.
    public mutating func nextItem() throws -> RestoredItem? {
        while let entry = try base.next() {
            if case .none = mode { return .entry(entry) }
            let top = Self.topComponent(entry.path)
            if top.elementsEqual(Self.lostFoundName) {
                if top.count == entry.path.count && entry.type == .dir { continue }
                return .lostFound(entry)
            }
            switch state {
            case .passThrough:
                if top.starts(with: Self.restorePrefix) {
                    throw ambiguous("'\(entry.displayPath)' follows other top-level entries")
                }
                return .entry(entry)
            case .undecided:
                if top.starts(with: Self.restorePrefix) {
                    state = .stripping(Array(top))
                    strippedRoot = Array(top)
                    if let item = try strip(entry, root: top.count) { return item }
                } else if top.starts(with: Self.failedRestorePrefix) {
                    return .outsideRoot(entry)
                } else {
                    state = .passThrough
                    return .entry(entry)
                }
            case .stripping(let root):
                if top.elementsEqual(root) {
                    strippedRoot = root
                    if let item = try strip(entry, root: root.count) { return item }
                } else if case .auto = mode, top.starts(with: Self.restorePrefix) {
                    throw ambiguous("'\(HumanText.name(root))' and '\(HumanText.name(top))'")
                } else {
                    return .outsideRoot(entry)
                }
            }
        }
        if case .directory(let name) = mode, strippedRoot == nil {
            throw ManifestKitError(.invalidArgument, subject: "restored-root",
                                   reason: "directory '\(HumanText.name(name))' not found in the restored manifest")
        }
        return nil
    }

    /// The root directory itself yields nothing (or `unreadableRoot` when it
    /// carries an error); entries below it lose the prefix.
    private func strip(_ entry: ManifestEntry, root: Int) throws -> RestoredItem? {
        if entry.path.count == root {
            guard entry.type == .dir else {
                throw ManifestKitError(.invalidArgument, subject: "restored-root",
                                       reason: "'\(entry.displayPath)' is a \(entry.type.rawValue), not a directory")
            }
            return entry.error == nil ? nil : .unreadableRoot(entry)
        }
        var stripped = entry
        stripped.path = Array(entry.path[(root + 1)...])
        return .entry(stripped)
    }

    private func ambiguous(_ what: String) -> ManifestKitError {
        ManifestKitError(.invalidArgument, subject: "restored-root",
                         reason: "ambiguous restore root: \(what); name it explicitly or use none")
    }

    static func topComponent(_ path: [UInt8]) -> ArraySlice<UInt8> {
        if let slash = path.firstIndex(of: 0x2F) { return path[..<slash] }
        return path[...]
    }
}
