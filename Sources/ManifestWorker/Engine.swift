import Foundation
import ManifestKit

/// The wiring between the command line and ManifestKit's pieces (walker,
/// writer, reader, diff). Every ManifestKit call of the executable is here.
enum Engine {
    /// What `generate` produced: the trailer, and the mount points listed but
    /// not walked (other file systems).
    struct Generated {
        var trailer: ManifestTrailer
        var mountPointsNotEntered: UInt64
    }

    /// Walks `root`, writes the manifest into `sink`, finishes it and returns
    /// the trailer. On any error the sink is aborted (no complete-looking file).
    static func generate(
        root: String, header: ManifestHeader, concurrency: Int, reuse: ReuseIndex? = nil, sink: any ByteSink,
        now: @escaping @Sendable () -> Int64,
        reporter: ((@escaping @Sendable () -> ProgressSample) -> ProgressReporter)?,
        records: (@Sendable (@escaping @Sendable () -> ProgressSnapshot) -> ProgressRecorder?)? = nil,
        onError: @escaping (ManifestEntry) -> Void, onFirstEntry: () -> Void = {}
    ) throws -> Generated {
        let progress = WalkProgress()
        let walker: TreeWalker
        let writer: ManifestWriter
        do {
            walker = try TreeWalker(root: root, options: WalkOptions(concurrency: concurrency, reuse: reuse), progress: progress)
            // Compression and output on their own thread, pipelined with the
            // encoding (the emitter only encodes and hashes lines).
            writer = try ManifestWriter(header: header, sink: sink, compressOn: .background)
        } catch {
            sink.abort()
            throw error
        }
        let display = reporter?({ sample(progress) })
        display?.start()
        defer { display?.stop() }
        let recorder = records?({ ProgressSnapshot(progress, descriptors: OpenDescriptors.count()) })
        recorder?.start()
        defer { recorder?.stop() }
        do {
            var first = true
            try walker.run { entry in
                if entry.error != nil { onError(entry) }
                try writer.append(entry)
                if first {
                    first = false
                    onFirstEntry()
                }
            }
            let trailer = try writer.finish(completedAtNs: now(), reuse: try reuse?.finish())
            recorder?.finish("finished")
            return Generated(trailer: trailer, mountPointsNotEntered: progress.mountPointsNotEntered)
        } catch {
            writer.abort()
            recorder?.finish("failed", level: .error)
            throw error
        }
    }

    static func sample(_ progress: WalkProgress) -> ProgressSample {
        ProgressSample(files: progress.files, bytes: progress.bytesHashed, errors: progress.errors)
    }

    /// Reads and validates a manifest, calling back for the header, each
    /// entry, and (once the trailer has been checked) the trailer.
    static func readManifest(
        _ spec: String, environment: [String: String], header: (ManifestHeader) -> Void, entry: (ManifestEntry) -> Void,
        trailer: (ManifestHeader, ManifestTrailer) -> Void
    ) throws {
        // A file is validated whole before anything is printed, so an invalid
        // manifest prints nothing on stdout; stdin can be read only once and
        // is printed as it is validated.
        if spec != "-" { _ = try ManifestReader.validate(Endpoints.source(for: spec, environment: environment)) }
        let reader = try ManifestReader(source: Endpoints.source(for: spec, environment: environment))
        header(reader.header)
        while let next = try reader.next() { entry(next) }
        guard let checked = reader.trailer else {
            throw ManifestKitError(.invalidManifest, subject: reader.name, reason: "no trailer")
        }
        trailer(reader.header, checked)
    }

    /// Diffs manifests (files, `-` or `s3://`). With two or more CPUs each
    /// manifest is decoded ahead on its own thread (bounded batches), so the
    /// decoders run side by side with the merge.
    /// Progress records count the restored manifest's entries.
    static func diff(baseline: String, post: String?, restored: String, settings: DiffSettings, progress: ProgressSettings,
                     context: CommandContext) throws -> DiffOutcome {
        let environment = context.configuration.environment
        let prefetch = sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2
        func open(_ spec: String) throws -> any ManifestEntrySource {
            let reader = try ManifestReader(source: Endpoints.source(for: spec, environment: environment))
            return prefetch ? PrefetchingEntrySource(reader) : reader
        }
        let b = try open(baseline)
        let p = try post.map(open)
        let r = CountingEntrySource(try open(restored))
        let counter = r.counter
        let recorder = progress.recorder(context: context, clock: { WallClock.monotonicNanoseconds() }) {
            var snapshot = counter.snapshot
            snapshot.descriptors = OpenDescriptors.count()
            return snapshot
        }
        recorder?.finishOnInterrupt(log: context.log)
        recorder?.start()
        defer { recorder?.stop() }
        var merge = MergeDiff(baseline: b, post: p, restored: r,
                              options: DiffOptions(policy: settings.policy, restoredRoot: settings.restoredRoot,
                                                   windowEndNs: settings.windowEndNs))
        do {
            let outcome = try ReportOutput.run(&merge, settings: settings, context: context) {
                [ReportInputs.input(b, source: baseline)] + (p.map { [ReportInputs.input($0, source: post ?? "")] } ?? [])
                    + [ReportInputs.input(r, source: restored)]
            }
            recorder?.finish("finished")
            return outcome
        } catch {
            recorder?.finish("failed", level: .error)
            throw error
        }
    }

    /// Walks both trees at once (one walker thread each, feeding bounded
    /// queues) and diffs them two-way: `dirA` as baseline, `dirB` as restored.
    static func verify(dirA: String, dirB: String, concurrency: Int, settings: DiffSettings, progress: ProgressSettings,
                       context: CommandContext) throws -> DiffOutcome {
        let started = context.now()
        // --concurrency N is N threads for the command: shared by the two walkers.
        let half = max(1, concurrency / 2)
        let a = try WalkedEntrySource(root: dirA, role: .baseline, concurrency: half, startedAtNs: started)
        let b = try WalkedEntrySource(root: dirB, role: .restored, concurrency: max(1, concurrency - half), startedAtNs: started)
        defer {
            a.cancel()
            b.cancel()
        }
        let display = ProgressPolicy.reporter(console: context.console, quiet: progress.liveLineQuiet)?({
            sample(a.progress) + sample(b.progress)
        })
        let recorder = progress.recorder(context: context, clock: { WallClock.monotonicNanoseconds() }) {
            ProgressSnapshot(a.progress, descriptors: OpenDescriptors.count()).merged(with: ProgressSnapshot(b.progress, descriptors: nil))
        }
        recorder?.finishOnInterrupt(log: context.log)
        a.start()
        b.start()
        display?.start()
        defer { display?.stop() }
        recorder?.start()
        defer { recorder?.stop() }
        var merge = MergeDiff(baseline: a, post: nil, restored: b,
                              options: DiffOptions(policy: settings.policy, restoredRoot: settings.restoredRoot))
        do {
            let outcome = try ReportOutput.run(&merge, settings: settings, context: context) {
                [ReportInputs.input(a, source: dirA), ReportInputs.input(b, source: dirB)]
            }
            recorder?.finish("finished")
            return outcome
        } catch {
            recorder?.finish("failed", level: .error)
            throw error
        }
    }

    /// Walks `dir` (one walker thread, feeding a bounded queue) and diffs it
    /// two-way against the saved manifest as the walk goes. Unless a window end
    /// is given, the window ends where it starts (the manifest's start): the
    /// tree must hold what the manifest says, so a file changed since is
    /// `corrupt`, not `changed`.
    static func check(manifest: String, dir: String, concurrency: Int, settings: DiffSettings, context: CommandContext) throws -> DiffOutcome {
        let environment = context.configuration.environment
        let reader = try ManifestReader(source: Endpoints.source(for: manifest, environment: environment))
        let saved: any ManifestEntrySource = sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 ? PrefetchingEntrySource(reader) : reader
        let walked = try WalkedEntrySource(root: dir, role: .restored, concurrency: concurrency, startedAtNs: context.now())
        defer { walked.cancel() }
        let display = ProgressPolicy.reporter(console: context.console, quiet: settings.quiet)?({ sample(walked.progress) })
        walked.start()
        display?.start()
        defer { display?.stop() }
        let windowEnd = settings.windowEndNs ?? reader.header.startedAtNs
        var merge = MergeDiff(baseline: saved, post: nil, restored: walked,
                              options: DiffOptions(policy: settings.policy, restoredRoot: settings.restoredRoot, windowEndNs: windowEnd))
        return try ReportOutput.run(&merge, settings: settings, context: context)
    }
}
