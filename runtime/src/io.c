/*
 * io.c — non-blocking I/O for tasks (cio_read, cio_write, cio_accept, cio_connect,
 * cio_wait_readable/writable, cio_wait_path_change) and fd callbacks for the loop
 * (cio_add_reader / cio_add_writer, asyncio's loop.add_reader).
 *
 * The pattern is always the same: try the system call without blocking; if the kernel
 * says EAGAIN, park the task until libev reports the fd ready, then try again. Sockets
 * use MSG_DONTWAIT so that a descriptor's blocking flag does not matter; other
 * descriptors (pipes) are switched to O_NONBLOCK.
 */
#define _GNU_SOURCE /* accept4 */
#include "core.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SITE CIO__MKSITE

/* ---------------------------------------------------------------------------------- */
/* Tasks waiting for a descriptor                                                     */
/* ---------------------------------------------------------------------------------- */

/** A task's watch on one fd, on the task's stack for the length of one wait. */
typedef struct fd_watch {
    cio_task *task;   /**< the parked task */
    int       events; /**< CIO__READABLE or CIO__WRITABLE */
    bool      fired;  /**< the fd became ready: the callback stopped the watch already */
} fd_watch;

/* The fd is ready. The task may already have been woken by a cancellation in the same
 * iteration: then it is READY, not PARKED, and only the watch is ended here — once. */
static void on_ready(int fd, int revents, void *arg)
{
    fd_watch *w = arg;
    cio__backend_fd_stop(fd, w->events);
    cio__L.io_waiting--;
    w->fired = true;
    (void)revents;
    if (w->task->state == TASK_PARKED) cio__wake(w->task, 0);
}

/* Wait until @p fd is ready. @p known_open: the caller's system call on it just now
 * proved it open, so the check (one fcntl, a system call on every wait) is skipped; libev
 * must never be given a descriptor that is not open: it stops the program. */
static int wait_ready(int fd, int events, cio__site site, bool known_open)
{
    int rc = cio__cancel_point(site);
    if (rc) return rc;
    if (fd < 0 || (!known_open && fcntl(fd, F_GETFD) < 0)) return -EBADF;
    bool reading = events & CIO__READABLE;
    fd_watch w = {cio__L.current, events, false};
    rc = cio__backend_fd_start(fd, events, on_ready, &w);
    if (rc == -EEXIST)
        cio__misuse(site.file, site.line, site.func,
                    "two waits to %s fd %d at once (another task or a reader callback already waits): "
                    "give each descriptor one reader and one writer", reading ? "read from" : "write to", fd);
    if (rc) return rc;
    cio__L.io_waiting++;
    rc = cio__park(NULL, NULL, reading ? "read (fd not yet readable)" : "write (fd not yet writable)", NULL, site);
    if (!w.fired) { /* woken by a cancellation: the watch is still on */
        cio__backend_fd_stop(fd, events);
        cio__L.io_waiting--;
    }
    return rc;
}

int cio__wait_fd(int fd, int events, cio__site site) { return wait_ready(fd, events, site, false); }

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -errno;
    if (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return -errno;
    return 0;
}

int cio__wait_readable(int fd, const char *file, int line, const char *func)
{
    return cio__wait_fd(fd, CIO__READABLE, SITE);
}

int cio__wait_writable(int fd, const char *file, int line, const char *func)
{
    return cio__wait_fd(fd, CIO__WRITABLE, SITE);
}

ssize_t cio__read(int fd, void *buf, size_t n, const char *file, int line, const char *func)
{
    int rc = cio__cancel_point(SITE);
    if (rc) return rc;
    if (!buf && n) cio__misuse(file, line, func, "cio_read() was given a NULL buffer");
    for (;;) {
        ssize_t r = recv(fd, buf, n, MSG_DONTWAIT);
        if (r < 0 && errno == ENOTSOCK) {
            if ((rc = set_nonblocking(fd)) < 0) return rc;
            r = read(fd, buf, n);
        }
        if (r >= 0) return r;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        if ((rc = wait_ready(fd, CIO__READABLE, SITE, true)) < 0) return rc;
    }
}

ssize_t cio__write(int fd, const void *buf, size_t n, const char *file, int line, const char *func)
{
    int rc = cio__cancel_point(SITE);
    if (rc) return rc;
    if (!buf && n) cio__misuse(file, line, func, "cio_write() was given a NULL buffer");
    const char *p = buf;
    size_t left = n;
    while (left) {
        ssize_t w = send(fd, p, left, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0 && errno == ENOTSOCK) {
            if ((rc = set_nonblocking(fd)) < 0) return rc;
            w = write(fd, p, left);
        }
        if (w >= 0) {
            p += w;
            left -= (size_t)w;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        if ((rc = wait_ready(fd, CIO__WRITABLE, SITE, true)) < 0) return rc;
    }
    return (ssize_t)n;
}

int cio__accept(int listen_fd, const char *file, int line, const char *func)
{
    int rc = cio__cancel_point(SITE);
    if (rc) return rc;
    if ((rc = set_nonblocking(listen_fd)) < 0) return rc;
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) return fd;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        if ((rc = wait_ready(listen_fd, CIO__READABLE, SITE, true)) < 0) return rc;
    }
}

int cio__connect(int fd, const struct sockaddr *addr, socklen_t len, const char *file, int line, const char *func)
{
    int rc = cio__cancel_point(SITE);
    if (rc) return rc;
    if (!addr) cio__misuse(file, line, func, "cio_connect() was given a NULL address");
    if ((rc = set_nonblocking(fd)) < 0) return rc;
    if (connect(fd, addr, len) == 0) return 0;
    if (errno != EINPROGRESS && errno != EINTR) return -errno;
    if ((rc = wait_ready(fd, CIO__WRITABLE, SITE, true)) < 0) return rc;
    int err = 0;
    socklen_t elen = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) return -errno;
    return -err;
}

/* ---------------------------------------------------------------------------------- */
/* Files changing on disk                                                             */
/* ---------------------------------------------------------------------------------- */

static void on_path_change(void *arg)
{
    cio_task *t = arg;
    if (t->state == TASK_PARKED) cio__wake(t, 0);
}

int cio__wait_path_change(const char *path, const char *file, int line, const char *func)
{
    int rc = cio__cancel_point(SITE);
    if (rc) return rc;
    if (!path) cio__misuse(file, line, func, "cio_wait_path_change() was given a NULL path");
    cio__statw *w = cio__backend_stat_start(path, on_path_change, cio__L.current);
    if (!w) return -ENOMEM;
    cio__L.io_waiting++;
    rc = cio__park(NULL, NULL, "see a file change", NULL, SITE);
    cio__backend_stat_stop(w);
    cio__L.io_waiting--;
    return rc;
}

/* ---------------------------------------------------------------------------------- */
/* Loop callbacks on descriptors                                                      */
/* ---------------------------------------------------------------------------------- */

/** A registered reader or writer callback. */
typedef struct fd_callback {
    cio_callback cb;  /**< what to call when the fd is ready */
    void        *arg; /**< its argument */
} fd_callback;

static struct {
    fd_callback **readers; /* indexed by fd; NULL: none */
    fd_callback **writers; /* indexed by fd; NULL: none */
    size_t        n;       /* entries in both */
} cbs;

static void call_back(int fd, int revents, void *arg)
{
    (void)fd, (void)revents;
    fd_callback *c = arg;
    c->cb(c->arg);
}

static int add_callback(int fd, cio_callback cb, void *arg, bool reading)
{
    if (!cio__in_loop()) cio__misuse(NULL, 0, reading ? "cio_add_reader" : "cio_add_writer", "called outside cio_run()");
    if (!cb) cio__misuse(NULL, 0, reading ? "cio_add_reader" : "cio_add_writer", "the callback is NULL");
    if (fd < 0 || set_nonblocking(fd) < 0) return -EINVAL;
    if ((size_t)fd >= cbs.n) {
        size_t n = cbs.n ? cbs.n : 64;
        while (n <= (size_t)fd) n *= 2;
        fd_callback **r = realloc(cbs.readers, n * sizeof *r);
        if (!r) return -ENOMEM;
        cbs.readers = r;
        fd_callback **w = realloc(cbs.writers, n * sizeof *w);
        if (!w) return -ENOMEM;
        cbs.writers = w;
        memset(cbs.readers + cbs.n, 0, (n - cbs.n) * sizeof *r);
        memset(cbs.writers + cbs.n, 0, (n - cbs.n) * sizeof *w);
        cbs.n = n;
    }
    fd_callback **slot = reading ? &cbs.readers[fd] : &cbs.writers[fd];
    if (*slot) return -EEXIST;
    fd_callback *c = malloc(sizeof *c);
    if (!c) return -ENOMEM;
    *c = (fd_callback){cb, arg};
    int rc = cio__backend_fd_start(fd, reading ? CIO__READABLE : CIO__WRITABLE, call_back, c);
    if (rc) {
        free(c);
        return rc;
    }
    *slot = c;
    cio__L.io_waiting++;
    return 0;
}

static int remove_callback(int fd, bool reading)
{
    if (fd < 0 || (size_t)fd >= cbs.n) return -ENOENT;
    fd_callback **slot = reading ? &cbs.readers[fd] : &cbs.writers[fd];
    if (!*slot) return -ENOENT;
    cio__backend_fd_stop(fd, reading ? CIO__READABLE : CIO__WRITABLE);
    free(*slot);
    *slot = NULL;
    cio__L.io_waiting--;
    return 0;
}

int cio_add_reader(int fd, cio_callback cb, void *arg) { return add_callback(fd, cb, arg, true); }
int cio_add_writer(int fd, cio_callback cb, void *arg) { return add_callback(fd, cb, arg, false); }
int cio_remove_reader(int fd) { return remove_callback(fd, true); }
int cio_remove_writer(int fd) { return remove_callback(fd, false); }

void cio__io_reset(void)
{
    for (size_t i = 0; i < cbs.n; i++) {
        free(cbs.readers[i]);
        free(cbs.writers[i]);
    }
    free(cbs.readers);
    free(cbs.writers);
    memset(&cbs, 0, sizeof cbs);
}

#undef cio_wait_readable
#undef cio_wait_writable
#undef cio_read
#undef cio_write
#undef cio_accept
#undef cio_connect
#undef cio_wait_path_change
int cio_wait_readable(int fd) { return cio__wait_readable(fd, "?", 0, "?"); }
int cio_wait_writable(int fd) { return cio__wait_writable(fd, "?", 0, "?"); }
ssize_t cio_read(int fd, void *buf, size_t n) { return cio__read(fd, buf, n, "?", 0, "?"); }
ssize_t cio_write(int fd, const void *buf, size_t n) { return cio__write(fd, buf, n, "?", 0, "?"); }
int cio_accept(int fd) { return cio__accept(fd, "?", 0, "?"); }
int cio_connect(int fd, const struct sockaddr *a, socklen_t l) { return cio__connect(fd, a, l, "?", 0, "?"); }
int cio_wait_path_change(const char *path) { return cio__wait_path_change(path, "?", 0, "?"); }
