#!/bin/sh
# Runs inside the NFS test VM (started by bench/nfs-ops/run; /share is the host's
# bench/out/nfs-ops/share over 9p). Serves /export (the corpus disk, ext4) with the
# kernel NFS server, mounts it over loopback with NFSv4.1 and EFS's recommended
# options, and runs every case of /share/cases.tsv, saving /proc/self/mountstats and
# /proc/net/rpc/nfs before and after each one into /share/results/. The host's
# bench/nfs-ops/mountstats.py turns the snapshots into RPCs per entry.
#
# A line of cases.tsv: LABEL<TAB>CACHE<TAB>COMMAND, CACHE `cold` (unmount, drop
# the caches, mount again first) or `warm` (run on the mount as the last case left
# it). COMMAND is run by sh with $MNT (the mount point), $BASE (/tmp/manifests) and
# $MW (the worker) set; special commands: `@change CORPUS` gives every 100th file
# (sorted path order) new bytes of the same size on the server side.
set -u
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
R=/share/results
MNT=/mnt/efs
BASE=/tmp/manifests
MW=/tmp/manifest-worker
OPTS=nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport
export MNT BASE MW
mkdir -p "$R" "$MNT" "$BASE" /export
echo "guest: $(uname -r), $(nproc) CPUs" | tee "$R/guest.txt"

cp /share/manifest-worker "$MW" && chmod +x "$MW"
if [ -d /share/lib ]; then export LD_LIBRARY_PATH=/share/lib; fi
"$MW" --version >> "$R/guest.txt" 2>&1 || { echo "guest: the worker does not run"; exit 1; }

mount -t ext4 /dev/vdb /export || { echo "guest: no corpus disk"; exit 1; }
ip link set lo up
# EFS grants no delegations; nfsd grants read delegations through file leases.
echo 0 > /proc/sys/fs/leases-enable
modprobe nfsd
mount -t nfsd nfsd /proc/fs/nfsd
echo 1048576 > /proc/fs/nfsd/max_block_size   # EFS's rsize; nfsd's default scales with RAM
echo 10 > /proc/fs/nfsd/nfsv4gracetime
# insecure: noresvport sends from a port above 1023 (EFS accepts that too)
printf '/export 127.0.0.1(rw,sync,insecure,no_subtree_check,no_root_squash,fsid=0)\n' > /etc/exports
rpcbind -w 2>/dev/null || rpcbind
exportfs -ra
rpc.mountd
rpc.nfsd -N 3 16
sleep 12   # the grace period (no client may open a file before it ends)

do_mount() { mount -t nfs4 -o "$OPTS" 127.0.0.1:/ "$MNT"; }
do_mount || { echo "guest: NFS mount failed"; dmesg | tail -20; exit 1; }
grep " $MNT " /proc/mounts | tee "$R/mount.txt"

snap() {
    cat /proc/self/mountstats > "$R/$1.mountstats"
    cat /proc/net/rpc/nfs > "$R/$1.rpcnfs"
}

change() {
    n=0
    find "/export/$1" -type f | LC_ALL=C sort > /tmp/files
    while read -r f; do
        n=$((n + 1))
        if [ $((n % 100)) -eq 0 ]; then
            size=$(stat -c %s "$f")
            head -c "$size" /dev/urandom | dd of="$f" conv=notrunc status=none
        fi
    done < /tmp/files
    sync
    echo "changed every 100th of $n files in $1" | tee -a "$R/guest.txt"
}

printf 'label\tcache\trc\tseconds\tcommand\n' > "$R/index.tsv"
tab=$(printf '\t')
while IFS="$tab" read -r label cache cmd; do
    case "$label" in ''|'#'*) continue ;; esac
    case "$cmd" in
        @change\ *) change "${cmd#@change }"; continue ;;
    esac
    if [ "$cache" = cold ]; then
        umount "$MNT" || { echo "guest: umount failed"; exit 1; }
        sync; echo 3 > /proc/sys/vm/drop_caches
        do_mount || { echo "guest: NFS mount failed"; exit 1; }
    fi
    echo "guest: $label ($cache): $cmd"
    snap "$label.before"
    start=$(date +%s.%N)
    sh -c "$cmd" < /dev/null > "$R/$label.stdout" 2> "$R/$label.stderr"
    rc=$?
    end=$(date +%s.%N)
    snap "$label.after"
    seconds=$(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$cache" "$rc" "$seconds" "$cmd" >> "$R/index.tsv"
    echo "guest: $label rc=$rc ${seconds}s"
done < /share/cases.tsv

umount "$MNT"
rpc.nfsd 0
echo "guest: done" | tee -a "$R/guest.txt"
