/*
 * cio_http_serve.c — bench/'s own cio HTTP/1.1 hello-world server, linked when the
 * 07-servers solution's http_serve is not there (a student release ships without
 * solutions): keep-alive, pipelining-safe (every complete request in the buffer gets its
 * answer), one task per connection in a task group. Like nginx's `return 200` it ignores
 * the method and the path.
 */
#define _GNU_SOURCE /* memmem */
#include <cio.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int http_serve(int listen_fd, cio_event *stop);

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\n"
                               "Server: cio\r\n"
                               "Content-Type: text/plain\r\n"
                               "Content-Length: 14\r\n"
                               "\r\n"
                               "Hello, world!\n";

struct server {
    int        listen_fd; /* accepting socket, owned by the caller */
    cio_group *conns;     /* every connection task and the acceptor */
};

/* Nonzero if the request head [p, p+n) asks to close the connection. */
static int wants_close(const char *p, size_t n) {
    static const char hdr[] = "\r\nconnection: close";
    for (size_t i = 0; i + sizeof hdr - 1 <= n; i++)
        if (strncasecmp(p + i, hdr, sizeof hdr - 1) == 0) return 1;
    return 0;
}

static int http_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[8192];
    size_t have = 0;
    int open = 1;
    while (open) {
        ssize_t n = cio_read(fd, buf + have, sizeof buf - have);
        if (n <= 0) break;
        have += (size_t)n;
        /* Answer every complete request head in the buffer, then keep the partial rest. */
        char *start = buf, *end;
        while (open && (end = memmem(start, have - (size_t)(start - buf), "\r\n\r\n", 4))) {
            size_t head = (size_t)(end - start) + 4;
            if (cio_write(fd, RESPONSE, sizeof RESPONSE - 1) < 0 || wants_close(start, head)) open = 0;
            start += head;
        }
        have -= (size_t)(start - buf);
        memmove(buf, start, have);
        if (have == sizeof buf) break; /* a head larger than the buffer: give up on it */
    }
    close(fd);
    return 0;
}

static int acceptor(void *arg) {
    struct server *s = arg;
    for (;;) {
        int fd = cio_accept(s->listen_fd);
        if (fd == -ECANCELED) return 0;
        if (fd < 0) continue;
        if (cio_group_spawn(s->conns, http_conn, (void *)(intptr_t)fd) != 0) {
            close(fd);
            return 0;
        }
    }
}

int http_serve(int listen_fd, cio_event *stop) {
    struct server s = {listen_fd, cio_group_new()};
    if (!s.conns) return -ENOMEM;
    int rc = cio_group_spawn(s.conns, acceptor, &s);
    if (rc == 0) rc = cio_event_wait(stop);
    cio_group_cancel(s.conns);
    int grc = cio_group_wait(s.conns);
    return rc ? rc : grc;
}
