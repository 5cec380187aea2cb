import Foundation
import Glibc
import XCTest
@testable import ManifestKit

/// How the walker tells network file systems (one name per job) from local ones.
final class FileSystemKindTests: XCTestCase {
    private let mountInfo = """
        22 27 0:21 / /proc rw,relatime - proc proc rw
        27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
        35 27 0:52 / /mnt/efs rw,relatime shared:20 - nfs4 127.0.0.1:/ rw,vers=4.1,rsize=1048576
        36 27 0:53 / /mnt/lat rw,nosuid,nodev master:3 - fuse.latfs latfs rw,user_id=0
        37 27 259:65537 / /data rw - xfs /dev/nvme0n1p1 rw
        """

    private func makedev(_ major: UInt64, _ minor: UInt64) -> UInt64 {
        (major & 0xFFF) << 8 | (major & ~0xFFF) << 32 | (minor & 0xFF) | (minor & ~0xFF) << 12
    }

    func testTypeIsFoundByTheDeviceNumber() {
        XCTAssertEqual(FileSystemKind.fileSystemType(of: makedev(254, 0), mountInfo: mountInfo), "ext4")
        XCTAssertEqual(FileSystemKind.fileSystemType(of: makedev(0, 52), mountInfo: mountInfo), "nfs4")
        XCTAssertEqual(FileSystemKind.fileSystemType(of: makedev(0, 53), mountInfo: mountInfo), "fuse.latfs")
        XCTAssertEqual(FileSystemKind.fileSystemType(of: makedev(259, 65537), mountInfo: mountInfo), "xfs")
        XCTAssertNil(FileSystemKind.fileSystemType(of: makedev(0, 99), mountInfo: mountInfo))
        XCTAssertNil(FileSystemKind.fileSystemType(of: makedev(0, 52), mountInfo: "35 27 0:52 / /mnt/efs rw -"))
    }

    func testNetworkAndUserSpaceFileSystemsAreRemote() {
        for type in ["nfs", "nfs4", "fuse", "fuse.latfs", "fuse.sshfs", "cifs", "smb3", "ceph", "9p", "lustre"] {
            XCTAssertEqual(FileSystemKind.kind(type: type), .remote, type)
        }
        for type in ["ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "vfat", "fusectl"] {
            XCTAssertEqual(FileSystemKind.kind(type: type), .local, type)
        }
    }

    func testThisMachinesMountTableIsRead() throws {
        let t = try WalkTestTree()
        var st = stat()
        XCTAssertEqual(stat(t.root, &st), 0)
        let table = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let type = FileSystemKind.fileSystemType(of: UInt64(st.st_dev), mountInfo: table)
        // Found (ext4, tmpfs, overlay: local) on this machine and in CI; a device
        // the table does not list (a btrfs subvolume) gets the cautious answer.
        XCTAssertEqual(FileSystemKind.of(dev: UInt64(st.st_dev)), type.map { FileSystemKind.kind(type: $0) } ?? .remote)
        XCTAssertEqual(FileSystemKind.of(dev: makedev(4095, 1_000_000)), .remote, "unknown device: the cautious choice")
    }
}
