/*
 * fsync-trace: an LD_PRELOAD shim for PowerCutTest. It records, for files under $FSYNC_TRACE_PREFIX, every
 * open (with its flags), write, fsync/fdatasync, rename, mkdir and close, one line per call with the
 * CLOCK_MONOTONIC time at which the call RETURNED (Java's System.nanoTime uses the same clock), into
 * $FSYNC_TRACE_LOG. From that trace the test decides what a power cut at the moment of an acknowledgement
 * would keep: data only if fsynced after it was written, a name only if its directory was fsynced after
 * the rename or mkdir. Built by the test with gcc; never committed as a binary.
 *
 * With $FSYNC_TRACE_DELAY_US, every traced fsync/fdatasync first sleeps that long: a slow disk, so that an
 * acknowledgement sent before a flush it should wait for (one running on another thread) is seen in the trace.
 *
 * Line format (space separated, paths last): <ns> <op> <fd|-> <result> [<flags>] [<path> [<path2>]]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 65536

static int log_fd = -2;
static const char *prefix;
static size_t prefix_len;
static unsigned char tracked[MAX_FD];
static long delay_us;

static void init(void) {
    if (log_fd != -2) {
        return;
    }
    const char *log = getenv("FSYNC_TRACE_LOG");
    prefix = getenv("FSYNC_TRACE_PREFIX");
    prefix_len = prefix ? strlen(prefix) : 0;
    const char *delay = getenv("FSYNC_TRACE_DELAY_US");
    delay_us = delay ? strtol(delay, NULL, 10) : 0;
    if (!log || !prefix) {
        log_fd = -1;
        return;
    }
    log_fd = (int) syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int under_prefix(const char *path) {
    return path && prefix_len && strncmp(path, prefix, prefix_len) == 0;
}

static void emit(const char *fmt, ...) {
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if (n > (int) sizeof line - 2) {
        n = (int) sizeof line - 2;
    }
    line[n++] = '\n';
    syscall(SYS_write, log_fd, line, (size_t) n); /* one O_APPEND write per line: lines never interleave */
}

static void opened(int fd, const char *path, int flags) {
    int saved = errno;
    init();
    if (log_fd >= 0 && fd >= 0 && fd < MAX_FD) {
        tracked[fd] = under_prefix(path);
        if (tracked[fd]) {
            emit("%lld open %d 0 %d %s", now_ns(), fd, flags, path);
        }
    }
    errno = saved;
}

static void on_fd(const char *op, int fd, long long result) {
    int saved = errno;
    init();
    if (log_fd >= 0 && fd >= 0 && fd < MAX_FD && tracked[fd]) {
        emit("%lld %s %d %lld", now_ns(), op, fd, result);
    }
    errno = saved;
}

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

static int mode_of(int flags, va_list ap) {
    return (flags & O_CREAT) || ((flags & O_TMPFILE) == O_TMPFILE) ? va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); int mode = mode_of(flags, ap); va_end(ap);
    REAL(open);
    int fd = real_open(path, flags, mode);
    opened(fd, path, flags);
    return fd;
}

int open64(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); int mode = mode_of(flags, ap); va_end(ap);
    REAL(open64);
    int fd = real_open64(path, flags, mode);
    opened(fd, path, flags);
    return fd;
}

int openat(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); int mode = mode_of(flags, ap); va_end(ap);
    REAL(openat);
    int fd = real_openat(dirfd, path, flags, mode);
    opened(fd, path[0] == '/' ? path : NULL, flags);
    return fd;
}

int openat64(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); int mode = mode_of(flags, ap); va_end(ap);
    REAL(openat64);
    int fd = real_openat64(dirfd, path, flags, mode);
    opened(fd, path[0] == '/' ? path : NULL, flags);
    return fd;
}

ssize_t write(int fd, const void *buf, size_t n) {
    REAL(write);
    ssize_t r = real_write(fd, buf, n);
    on_fd("write", fd, r);
    return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite);
    ssize_t r = real_pwrite(fd, buf, n, off);
    on_fd("write", fd, r);
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
    REAL(pwrite64);
    ssize_t r = real_pwrite64(fd, buf, n, off);
    on_fd("write", fd, r);
    return r;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    REAL(writev);
    ssize_t r = real_writev(fd, iov, cnt);
    on_fd("write", fd, r);
    return r;
}

/* The slow disk of $FSYNC_TRACE_DELAY_US, for traced files only. */
static void slow_disk(int fd) {
    init();
    if (delay_us > 0 && log_fd >= 0 && fd >= 0 && fd < MAX_FD && tracked[fd]) {
        struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

int fsync(int fd) {
    REAL(fsync);
    slow_disk(fd);
    int r = real_fsync(fd);
    on_fd("fsync", fd, r);
    return r;
}

int fdatasync(int fd) {
    REAL(fdatasync);
    slow_disk(fd);
    int r = real_fdatasync(fd);
    on_fd("fdatasync", fd, r);
    return r;
}

int close(int fd) {
    REAL(close);
    on_fd("close", fd, 0);
    if (fd >= 0 && fd < MAX_FD) {
        tracked[fd] = 0;
    }
    return real_close(fd);
}

int rename(const char *from, const char *to) {
    REAL(rename);
    int r = real_rename(from, to);
    int saved = errno;
    init();
    if (log_fd >= 0 && (under_prefix(from) || under_prefix(to))) {
        emit("%lld rename - %d %s %s", now_ns(), r, from, to);
    }
    errno = saved;
    return r;
}

int mkdir(const char *path, mode_t mode) {
    REAL(mkdir);
    int r = real_mkdir(path, mode);
    int saved = errno;
    init();
    if (log_fd >= 0 && under_prefix(path)) {
        emit("%lld mkdir - %d %s", now_ns(), r, path);
    }
    errno = saved;
    return r;
}
