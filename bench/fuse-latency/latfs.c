/*
 * latfs: a read-only FUSE passthrough that sleeps a fixed delay in every
 * getattr, readdir, open and read, so that a local tree answers like a
 * network file system with that round-trip time (bench tooling only).
 *
 *   latfs SOURCE MOUNTPOINT DELAY_MS [extra fuse options...]
 *
 * Runs multithreaded (-o max_threads=256 by default) so that requests in
 * flight overlap their sleeps. Attribute and entry caching are off and the
 * page cache is dropped on open, so every operation reaches the daemon.
 * Unmount with: fusermount3 -u MOUNTPOINT
 */
#define FUSE_USE_VERSION 35
#define _GNU_SOURCE
#include <fuse3/fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *source_dir;
static long delay_ns;

static void delay(void) {
    if (delay_ns <= 0) return;
    struct timespec ts = { delay_ns / 1000000000L, delay_ns % 1000000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int full_path(char *out, const char *path) {
    int n = snprintf(out, PATH_MAX, "%s%s", source_dir, path);
    return (n < 0 || n >= PATH_MAX) ? -ENAMETOOLONG : 0;
}

static void *lat_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void)conn;
    cfg->use_ino = 1;
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->kernel_cache = 0;
    return NULL;
}

static int lat_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    delay();
    if (fi) return fstat((int)fi->fh, st) == 0 ? 0 : -errno;
    char p[PATH_MAX];
    int r = full_path(p, path);
    if (r) return r;
    return lstat(p, st) == 0 ? 0 : -errno;
}

static int lat_readlink(const char *path, char *buf, size_t size) {
    delay();
    char p[PATH_MAX];
    int r = full_path(p, path);
    if (r) return r;
    ssize_t n = readlink(p, buf, size - 1);
    if (n < 0) return -errno;
    buf[n] = 0;
    return 0;
}

static int lat_opendir(const char *path, struct fuse_file_info *fi) {
    char p[PATH_MAX];
    int r = full_path(p, path);
    if (r) return r;
    DIR *d = opendir(p);
    if (!d) return -errno;
    fi->fh = (uint64_t)(uintptr_t)d;
    return 0;
}

static int lat_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                       struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
    (void)path; (void)off; (void)flags;
    delay();
    DIR *d = (DIR *)(uintptr_t)fi->fh;
    rewinddir(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = e->d_ino;
        st.st_mode = (mode_t)DTTOIF(e->d_type);
        if (fill(buf, e->d_name, &st, 0, 0)) break;
    }
    return 0;
}

static int lat_releasedir(const char *path, struct fuse_file_info *fi) {
    (void)path;
    closedir((DIR *)(uintptr_t)fi->fh);
    return 0;
}

static int lat_open(const char *path, struct fuse_file_info *fi) {
    delay();
    if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
    char p[PATH_MAX];
    int r = full_path(p, path);
    if (r) return r;
    int fd = open(p, O_RDONLY | O_NOFOLLOW);
    if (fd < 0) return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int lat_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)path;
    delay();
    ssize_t n = pread((int)fi->fh, buf, size, off);
    return n < 0 ? -errno : (int)n;
}

static int lat_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    close((int)fi->fh);
    return 0;
}

static const struct fuse_operations ops = {
    .init = lat_init,
    .getattr = lat_getattr,
    .readlink = lat_readlink,
    .opendir = lat_opendir,
    .readdir = lat_readdir,
    .releasedir = lat_releasedir,
    .open = lat_open,
    .read = lat_read,
    .release = lat_release,
};

int main(int argc, char *argv[]) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SOURCE MOUNTPOINT DELAY_MS [fuse options...]\n", argv[0]);
        return 2;
    }
    static char source[PATH_MAX];
    if (!realpath(argv[1], source)) { perror(argv[1]); return 2; }
    source_dir = source;
    delay_ns = (long)(atof(argv[3]) * 1e6);

    char *fargv[64];
    int fargc = 0;
    fargv[fargc++] = argv[0];
    fargv[fargc++] = argv[2];
    fargv[fargc++] = "-o";
    fargv[fargc++] = "ro,default_permissions,allow_other,fsname=latfs,max_threads=256";
    for (int i = 4; i < argc && fargc < 62; i++) fargv[fargc++] = argv[i];
    fargv[fargc] = NULL;
    return fuse_main(fargc, fargv, &ops, NULL);
}
