/*
 * backend_ev.c — the only file that knows libev (like Redis's ae_epoll.c or libuv's
 * uv__io_poll): waiting for file descriptors, stat changes and wake-ups from other
 * threads. The rest of the runtime sees the small cio__backend_* interface in core.h.
 *
 * Timers are not here: the loop keeps its own heap and passes the time until the next
 * deadline as the poll timeout, so a million sleeping tasks cost libev nothing.
 */
#include "core.h"

#include <ev.h>
#include <stdlib.h>
#include <string.h>

/** The watchers of one file descriptor, indexed by fd. */
typedef struct fdslot {
    ev_io      rd;     /**< readability watcher (active while someone waits to read) */
    ev_io      wr;     /**< writability watcher */
    cio__fd_cb rd_cb;  /**< who to tell when readable */
    void      *rd_arg; /**< its argument */
    cio__fd_cb wr_cb;  /**< who to tell when writable */
    void      *wr_arg; /**< its argument */
} fdslot;

struct cio__statw {
    ev_stat w;                /**< libev's stat watcher */
    void  (*cb)(void *arg);   /**< who to tell when the file changes */
    void   *arg;              /**< its argument */
};

static struct {
    struct ev_loop *loop;     /* one libev loop per cio_run */
    ev_async        wakeup;   /* other threads' way to interrupt a poll */
    ev_timer        timeout;  /* bounds one poll */
    void          (*on_async)(void); /* what to run after a wake-up (executor completions) */
    fdslot        **fds;      /* per-fd slots, allocated on first use */
    size_t          nfds;     /* entries in fds */
} be;

static void async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
    (void)loop, (void)w, (void)revents;
    if (be.on_async) be.on_async();
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents) { (void)loop, (void)w, (void)revents; }

int cio__backend_open(void (*on_async)(void))
{
    memset(&be, 0, sizeof be);
    /* NOSIGMASK: cio installs no signal watchers, so libev need not touch the mask. */
    be.loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    if (!be.loop) return -ENOMEM;
    be.on_async = on_async;
    ev_async_init(&be.wakeup, async_cb);
    ev_async_start(be.loop, &be.wakeup);
    ev_unref(be.loop); /* the wake-up alone does not keep ev_run from returning */
    ev_timer_init(&be.timeout, timeout_cb, 0, 0);
    return 0;
}

void cio__backend_close(void)
{
    if (!be.loop) return;
    for (size_t i = 0; i < be.nfds; i++) {
        if (!be.fds[i]) continue;
        ev_io_stop(be.loop, &be.fds[i]->rd);
        ev_io_stop(be.loop, &be.fds[i]->wr);
        free(be.fds[i]);
    }
    free(be.fds);
    ev_ref(be.loop);
    ev_async_stop(be.loop, &be.wakeup);
    ev_loop_destroy(be.loop);
    memset(&be, 0, sizeof be);
}

void cio__backend_poll(double timeout)
{
    if (timeout == 0) {
        ev_run(be.loop, EVRUN_NOWAIT);
        return;
    }
    /* Always bound the wait with a timer: it also keeps ev_run from returning at once
     * when the only thing to wait for is a wake-up from an executor thread. */
    ev_timer_set(&be.timeout, timeout > 0 ? timeout : 86400.0, 0);
    ev_timer_start(be.loop, &be.timeout);
    ev_run(be.loop, EVRUN_ONCE);
    ev_timer_stop(be.loop, &be.timeout);
}

void cio__backend_async_send(void) { ev_async_send(be.loop, &be.wakeup); }

/* ---------------------------------------------------------------------------------- */
/* File descriptors                                                                   */
/* ---------------------------------------------------------------------------------- */

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    fdslot *s = w->data;
    if (w == &s->rd && s->rd_cb) s->rd_cb(w->fd, revents, s->rd_arg);
    else if (w == &s->wr && s->wr_cb) s->wr_cb(w->fd, revents, s->wr_arg);
}

static fdslot *slot_for(int fd)
{
    if ((size_t)fd >= be.nfds) {
        size_t n = be.nfds ? be.nfds : 64;
        while (n <= (size_t)fd) n *= 2;
        fdslot **fds = realloc(be.fds, n * sizeof *fds);
        if (!fds) return NULL;
        memset(fds + be.nfds, 0, (n - be.nfds) * sizeof *fds);
        be.fds = fds;
        be.nfds = n;
    }
    if (!be.fds[fd]) {
        fdslot *s = calloc(1, sizeof *s);
        if (!s) return NULL;
        ev_io_init(&s->rd, io_cb, fd, EV_READ);
        ev_io_init(&s->wr, io_cb, fd, EV_WRITE);
        s->rd.data = s->wr.data = s;
        be.fds[fd] = s;
    }
    return be.fds[fd];
}

/* Why ev_io_set before every start: libev applies watcher changes lazily, at its next
 * poll. If a watch is stopped, its fd closed (the kernel forgets it), and a new file gets
 * the same number and is watched before libev polls again, libev sees "same fd, same
 * events" and never registers the new file: its readiness would never be reported.
 * ev_io_set marks the fd as changed, so libev re-registers it (one epoll_ctl). */
int cio__backend_fd_start(int fd, int events, cio__fd_cb cb, void *arg)
{
    if (fd < 0) return -EBADF;
    fdslot *s = slot_for(fd);
    if (!s) return -ENOMEM;
    if (events & CIO__READABLE) {
        if (ev_is_active(&s->rd)) return -EEXIST;
        s->rd_cb = cb;
        s->rd_arg = arg;
        ev_io_set(&s->rd, fd, EV_READ);
        ev_io_start(be.loop, &s->rd);
    }
    if (events & CIO__WRITABLE) {
        if (ev_is_active(&s->wr)) return -EEXIST;
        s->wr_cb = cb;
        s->wr_arg = arg;
        ev_io_set(&s->wr, fd, EV_WRITE);
        ev_io_start(be.loop, &s->wr);
    }
    return 0;
}

void cio__backend_fd_stop(int fd, int events)
{
    if (fd < 0 || (size_t)fd >= be.nfds || !be.fds[fd]) return;
    fdslot *s = be.fds[fd];
    if (events & CIO__READABLE) {
        ev_io_stop(be.loop, &s->rd);
        s->rd_cb = NULL;
    }
    if (events & CIO__WRITABLE) {
        ev_io_stop(be.loop, &s->wr);
        s->wr_cb = NULL;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Stat watchers                                                                      */
/* ---------------------------------------------------------------------------------- */

static void stat_cb(struct ev_loop *loop, ev_stat *w, int revents)
{
    (void)loop, (void)revents;
    cio__statw *s = (cio__statw *)w;
    s->cb(s->arg);
}

cio__statw *cio__backend_stat_start(const char *path, void (*cb)(void *arg), void *arg)
{
    cio__statw *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cb = cb;
    s->arg = arg;
    /* inotify tells at once where the kernel has it; else libev polls twice a second. */
    ev_stat_init(&s->w, stat_cb, path, 0.5);
    ev_stat_start(be.loop, &s->w);
    return s;
}

void cio__backend_stat_stop(cio__statw *s)
{
    ev_stat_stop(be.loop, &s->w);
    free(s);
}
