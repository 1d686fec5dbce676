/*
 * echo_libev.c — scenario 5's floor: an echo server written directly on libev callbacks,
 * the way one would without cio: a read watcher per connection, the echo written at once,
 * and a write watcher only when the socket is full. Serves until stdin closes.
 * (A peer, not part of the runtime: only runtime/src/ and these peers include ev.h.)
 */
#define _GNU_SOURCE /* accept4 */
#include "net.h"

#include <ev.h>
#include <fcntl.h>
#include <stddef.h>

struct conn {
    ev_io  rio, wio;       /* read watcher (normally on), write watcher (only while backed up) */
    int    fd;             /* the connection */
    size_t off, len;       /* unsent part of buf while the write watcher is on */
    char   buf[4096];      /* what was read and must be echoed */
};

static void conn_close(struct ev_loop *loop, struct conn *c) {
    ev_io_stop(loop, &c->rio);
    ev_io_stop(loop, &c->wio);
    close(c->fd);
    free(c);
}

/* Send buf[off, len); on a full socket wait for writability instead of reading more. */
static void flush(struct ev_loop *loop, struct conn *c) {
    while (c->off < c->len) {
        ssize_t w = write(c->fd, c->buf + c->off, c->len - c->off);
        if (w < 0) {
            if (errno == EAGAIN) {
                ev_io_stop(loop, &c->rio);
                ev_io_start(loop, &c->wio);
                return;
            }
            if (errno == EINTR) continue;
            conn_close(loop, c);
            return;
        }
        c->off += (size_t)w;
    }
    ev_io_stop(loop, &c->wio);
    ev_io_start(loop, &c->rio);
}

static void on_write(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    flush(loop, (struct conn *)((char *)w - offsetof(struct conn, wio)));
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    struct conn *c = (struct conn *)w;
    ssize_t n = read(c->fd, c->buf, sizeof c->buf);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        conn_close(loop, c);
        return;
    }
    c->off = 0;
    c->len = (size_t)n;
    flush(loop, c);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    for (;;) {
        int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) return; /* EAGAIN: all taken; anything else: try again next time */
        struct conn *c = malloc(sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        ev_io_init(&c->rio, on_read, fd, EV_READ);
        ev_io_init(&c->wio, on_write, fd, EV_WRITE);
        ev_io_start(loop, &c->rio);
    }
}

static void on_stdin(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    char buf[64];
    if (read(w->fd, buf, sizeof buf) <= 0) ev_break(loop, EVBREAK_ALL);
}

int main(void) {
    int port = 0, lfd = bench_listen(0, &port);
    if (lfd < 0) return 1;
    fcntl(lfd, F_SETFL, O_NONBLOCK);
    struct ev_loop *loop = ev_default_loop(EVBACKEND_EPOLL);
    ev_io acc, in;
    ev_io_init(&acc, on_accept, lfd, EV_READ);
    ev_io_init(&in, on_stdin, 0, EV_READ);
    ev_io_start(loop, &acc);
    ev_io_start(loop, &in);
    bench_announce("libev", port);
    ev_run(loop, 0);
    bench_server_done("libev", "bench/echo_libev.c");
    return 0;
}
