/// The probe's side of `generate --reuse-from` (``ReuseIndex``): decide after
/// `fstatat`, take the digest or read the file, and compare a sampled read.
extension EntryProbe {
    /// The decision for a regular file with stat `st` (`.read` without a reuse
    /// manifest, or for a file on another device, which is never read anyway).
    func reusable(_ path: [UInt8], _ st: FileStat) -> ReuseIndex.Decision {
        guard let reuse, st.dev == rootDev || crossMounts else { return .read }
        return reuse.lookup(path, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino)
    }

    /// The entry of a file whose digest is reused: its stat, the earlier digest.
    func reused(_ path: [UInt8], _ st: FileStat, _ digest: String) -> ManifestEntry {
        var entry = st.entry(path: path)
        entry.sha256 = digest
        reuse?.countReused()
        return entry
    }

    /// The entry of a file read after `decision`: for a sampled file, marked
    /// `reuseMismatch` when the read was clean, the metadata is still what the
    /// reuse manifest had, and the fresh digest differs. The fresh digest stays.
    func sampled(_ entry: ManifestEntry, _ st: FileStat, _ decision: ReuseIndex.Decision) -> ManifestEntry {
        guard case .sample(let expected) = decision else { return entry }
        reuse?.countSampled()
        guard entry.error == nil, !entry.unstable, let fresh = entry.sha256, fresh != expected,
              entry.size == st.size, entry.mtimeNs == st.mtimeNs, entry.ctimeNs == st.ctimeNs, entry.ino == st.ino
        else { return entry }
        var marked = entry
        marked.reuseMismatch = true
        return marked
    }
}
