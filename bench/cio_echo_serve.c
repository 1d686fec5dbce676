/*
 * cio_echo_serve.c — bench/'s own cio echo server, linked when the 07-servers solution's
 * echo_serve is not there (a student release ships without solutions): one task per
 * connection in a task group, an accepting task, and the stop event cancelling the whole
 * group. The straightforward way to write it with cio, so the benchmark measures the runtime.
 */
#include <cio.h>

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

int echo_serve(int listen_fd, cio_event *stop);

struct server {
    int        listen_fd; /* accepting socket, owned by the caller */
    cio_group *conns;     /* every connection task and the acceptor */
};

static int echo_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    for (;;) {
        ssize_t n = cio_read(fd, buf, sizeof buf);
        if (n <= 0 || cio_write(fd, buf, (size_t)n) < 0) break; /* end, error or cancelled */
    }
    close(fd);
    return 0;
}

static int acceptor(void *arg) {
    struct server *s = arg;
    for (;;) {
        int fd = cio_accept(s->listen_fd);
        if (fd == -ECANCELED) return 0;
        if (fd < 0) continue; /* a connection that died before we took it, or EMFILE */
        if (cio_group_spawn(s->conns, echo_conn, (void *)(intptr_t)fd) != 0) {
            close(fd);
            return 0;
        }
    }
}

int echo_serve(int listen_fd, cio_event *stop) {
    struct server s = {listen_fd, cio_group_new()};
    if (!s.conns) return -ENOMEM;
    int rc = cio_group_spawn(s.conns, acceptor, &s);
    if (rc == 0) rc = cio_event_wait(stop);
    cio_group_cancel(s.conns);
    int grc = cio_group_wait(s.conns);
    return rc ? rc : grc;
}
