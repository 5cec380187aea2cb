/// Every dependency of the orchestrator's steps, injected as one value.
public struct Services: Sendable {
    public var store: any RunStore
    public var notifier: any Notifier
    public var backup: any BackupService
    public var tasks: any TaskLauncher
    public var fileSystems: any FileSystemService
    public var manifests: any ManifestCatalog
    public var differ: any ManifestDiffer
    public var metrics: any MetricsEmitter
    public var clock: any WallClock
    /// Where `report.html` goes; nil: no page is written.
    public var pages: (any ReportPageStore)?

    public init(
        store: any RunStore, notifier: any Notifier, backup: any BackupService, tasks: any TaskLauncher,
        fileSystems: any FileSystemService, manifests: any ManifestCatalog, differ: any ManifestDiffer,
        metrics: any MetricsEmitter, clock: any WallClock,
        pages: (any ReportPageStore)? = nil
    ) {
        self.store = store
        self.notifier = notifier
        self.backup = backup
        self.tasks = tasks
        self.fileSystems = fileSystems
        self.manifests = manifests
        self.differ = differ
        self.metrics = metrics
        self.clock = clock
        self.pages = pages
    }
}
