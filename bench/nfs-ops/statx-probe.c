// bench/nfs-ops experiment: which stat call costs a GETATTR after a READ on NFS?
//   find DIR -type f | statx-probe fstat|statx
// For each path on stdin: open (O_NOATIME), stat, read to EOF in 1 MiB reads, stat,
// close - the system calls `generate` makes for a small file. `fstat` asks for every
// attribute, atime included; `statx` asks for what a manifest records (no STATX_ATIME).
// Build: gcc -O2 -static -o bench/out/nfs-ops/statx-probe bench/nfs-ops/statx-probe.c
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[1 << 20];

static int stat_fd(int fd, int use_statx) {
    if (!use_statx) {
        struct stat s;
        return fstat(fd, &s);
    }
    struct statx x;
    unsigned mask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_MTIME |
                    STATX_CTIME | STATX_INO | STATX_SIZE;
    return statx(fd, "", AT_EMPTY_PATH, mask, &x);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "fstat") != 0 && strcmp(argv[1], "statx") != 0)) {
        fprintf(stderr, "usage: statx-probe fstat|statx < paths\n");
        return 2;
    }
    int use_statx = strcmp(argv[1], "statx") == 0;
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        int fd = open(line, O_RDONLY | O_NOATIME | O_NOFOLLOW);
        if (fd < 0) {
            perror(line);
            continue;
        }
        stat_fd(fd, use_statx);
        while (read(fd, buf, sizeof buf) > 0) {
        }
        stat_fd(fd, use_statx);
        close(fd);
    }
    return 0;
}
