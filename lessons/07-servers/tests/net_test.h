/*
 * net_test.h — what the tests of lesson 07 share: a listening socket on 127.0.0.1, client
 * connections made with cio, reading exactly n bytes or one line, running the learner's
 * server as a task and stopping it, and counting open descriptors to catch leaks.
 *
 * Included by the test files only (static helpers, each file uses what it needs). All
 * traffic stays on the loopback interface. These tests run on the real clock (net_run):
 * network I/O takes real time anyway, and TCP may hold a small segment back for 40 ms
 * (Nagle's algorithm waiting for a delayed ACK), long enough for the virtual clock to
 * decide the loop is idle and jump to the next deadline. So the tests assert on bytes
 * and order, never on loop times, and their deadlines are generous real seconds that
 * only a stuck server reaches.
 */
#ifndef NET_TEST_H
#define NET_TEST_H

#include "cio_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define NET_UNUSED __attribute__((unused))

/* ---- Descriptors ------------------------------------------------------------------ */

/* How many descriptors this process has open now (a server that forgets to close its
   connections shows up as a difference). */
static NET_UNUSED int net_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory stream's own descriptor */
}

/* Nonzero if @p fd is an open descriptor. */
static NET_UNUSED int net_fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

/* Make room for @p needed open descriptors (raises the soft limit up to the hard one). */
static NET_UNUSED void net_need_files(unsigned long needed)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        fail_msg("getrlimit(RLIMIT_NOFILE) failed: %s", strerror(errno));
    if (r.rlim_cur < needed && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max < needed ? r.rlim_max : needed;
        setrlimit(RLIMIT_NOFILE, &r);
        getrlimit(RLIMIT_NOFILE, &r);
    }
    cio_expect(r.rlim_cur >= needed,
               "this test needs %lu open descriptors (a client end and a server end per "
               "connection) but the process may open only %llu; the grader's sandbox must "
               "allow more for this exercise", needed, (unsigned long long)r.rlim_cur);
}

/* ---- Sockets ---------------------------------------------------------------------- */

/* A listening TCP socket on 127.0.0.1 and an ephemeral port (written to *port).
   @p sndbuf > 0 fixes the send buffer of every connection accepted from it (Linux
   copies it to accepted sockets), so that a client that stops reading fills it soon. */
static NET_UNUSED int net_listen(unsigned short *port, int sndbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        fail_msg("socket() failed: %s (does the sandbox allow loopback networking?)",
                 strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (sndbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
        fail_msg("bind(127.0.0.1:0) failed: %s", strerror(errno));
    if (listen(fd, 4096) != 0)
        fail_msg("listen() failed: %s", strerror(errno));
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A client connection to 127.0.0.1:@p port, made with cio_connect. @p rcvbuf > 0 shrinks
   its receive buffer (a client that never reads then fills up after a few KiB).
   @return the fd, or -errno. */
static NET_UNUSED int net_connect(unsigned short port, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -errno;
    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int rc = cio_connect(fd, (struct sockaddr *)&a, sizeof a);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* Read exactly @p n bytes. @return n, fewer at end of file, or -errno. */
static NET_UNUSED ssize_t net_read_exact(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = cio_read(fd, (char *)buf + got, n - got);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Read until the peer closes: @return 0 at end of file (or -ECONNRESET), or the number of
   bytes that came instead (> 0), or another -errno. The bytes are dropped. */
static NET_UNUSED ssize_t net_expect_eof(int fd)
{
    char buf[4096];
    ssize_t extra = 0;
    for (;;) {
        ssize_t r = cio_read(fd, buf, sizeof buf);
        if (r == 0 || r == -ECONNRESET)
            return extra;
        if (r < 0)
            return r;
        extra += r;
    }
}

/* ---- Reading lines ------------------------------------------------------------------ */

/* A receive buffer for one connection, to read line by line. */
struct net_lines {
    int    fd;         /* the connection */
    char   buf[65536]; /* bytes received and not yet returned */
    size_t len;        /* how many */
};

/* The next line, '\n' included, as a NUL-terminated string in @p out.
   @return its length, 0 at end of file (a partial last line is dropped), or -errno. */
static NET_UNUSED ssize_t net_read_line(struct net_lines *l, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(l->buf, '\n', l->len);
        if (nl) {
            size_t n = (size_t)(nl - l->buf) + 1;
            size_t copy = n < cap - 1 ? n : cap - 1;
            memcpy(out, l->buf, copy);
            out[copy] = '\0';
            memmove(l->buf, l->buf + n, l->len - n);
            l->len -= n;
            return (ssize_t)copy;
        }
        if (l->len == sizeof l->buf)
            return -EMSGSIZE;
        ssize_t r = cio_read(l->fd, l->buf + l->len, sizeof l->buf - l->len);
        if (r <= 0)
            return r;
        l->len += (size_t)r;
    }
}

/* Exactly @p n bytes into @p out, taking what is buffered first.
   @return n, fewer at end of file, or -errno. */
static NET_UNUSED ssize_t net_read_bytes(struct net_lines *l, char *out, size_t n)
{
    size_t got = l->len < n ? l->len : n;
    memcpy(out, l->buf, got);
    memmove(l->buf, l->buf + got, l->len - got);
    l->len -= got;
    if (got < n) {
        ssize_t r = net_read_exact(l->fd, out + got, n - got);
        if (r < 0)
            return r;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* ---- Running a test ------------------------------------------------------------------ */

/* cio_test_run() on the real clock, with slow steps reported from 0.5 s (a thousand
   clients take the test itself a while to set up). */
static NET_UNUSED int net_run(cio_fn main, void *arg)
{
    setenv("CIO_VIRTUAL_CLOCK", "0", 1); /* overrides the harness's virtual clock */
    cio_config cfg = {.slow_step = 0.5};
    int rc = cio_test_run_with(main, arg, &cfg);
    unsetenv("CIO_VIRTUAL_CLOCK");
    return rc;
}

/* ---- Running the learner's server --------------------------------------------------- */

typedef int (*net_serve_fn)(int listen_fd, cio_event *stop);

/* The learner's server, run as a task. */
struct net_server {
    net_serve_fn serve;          /* echo_serve or http_serve (or a wrapper) */
    int          listen_fd;      /* made by the test */
    cio_event   *stop;           /* set by the test when it is done */
    cio_task    *task;           /* the task running serve */
    int          rc;             /* what serve returned */
    int          returned_early; /* 1 if serve returned before stop was set */
    int          body_timed_out; /* 1 if the clients did not finish in time */
};

static NET_UNUSED int net_server_main(void *arg)
{
    struct net_server *s = arg;
    s->rc = s->serve(s->listen_fd, s->stop);
    return 0;
}

/* Start the server task. */
static NET_UNUSED int net_server_start(struct net_server *s, net_serve_fn serve, int listen_fd)
{
    s->serve = serve;
    s->listen_fd = listen_fd;
    s->rc = 12345;
    s->returned_early = s->body_timed_out = 0;
    s->stop = cio_event_new();
    if (!s->stop)
        return -ENOMEM;
    s->task = cio_spawn_named(net_server_main, s, "server");
    return s->task ? 0 : -ENOMEM;
}

/* Run the clients, @p body(@p arg), as a task while the server runs, for at most
   @p deadline seconds. If the server returns first, or time runs out, the clients are
   cancelled (their calls return -ECANCELED) and the server's record says which.
   @return 0 if the clients finished, -ESRCH if the server returned first, -ETIMEDOUT. */
static NET_UNUSED int net_while_serving(struct net_server *s, cio_fn body, void *arg,
                                        double deadline)
{
    cio_task *clients = cio_spawn_named(body, arg, "clients");
    if (!clients)
        return -ENOMEM;
    cio_task *both[2] = {clients, s->task};
    int first = cio_wait_any(both, 2, deadline);
    if (first == 0) {
        cio_await(clients);
        return 0;
    }
    cio_cancel(clients);
    cio_await(clients);
    if (first == 1) {
        s->returned_early = 1;
        return -ESRCH;
    }
    s->body_timed_out = 1;
    return -ETIMEDOUT;
}

/* Set stop and wait at most @p deadline seconds for the server to return.
   @return 0 if it returned (its status is in s->rc), or -ETIMEDOUT (then it was cancelled). */
static NET_UNUSED int net_server_stop(struct net_server *s, double deadline)
{
    cio_event_set(s->stop);
    int rc = cio_wait_for(s->task, deadline);
    s->task = NULL;
    cio_event_free(s->stop);
    s->stop = NULL;
    return rc == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

/* The first check of every test: the server served until it was told to stop. */
static NET_UNUSED void net_expect_served(const struct net_server *s, const char *fn)
{
    cio_expect(!s->returned_early,
               "%s returned %d (%s) while the clients still needed it: it should serve until "
               "the stop event is set", fn, s->rc, strerror(s->rc < 0 ? -s->rc : s->rc));
}

/* Messages for the checks every test makes once its run is over. */
static NET_UNUSED void net_expect_clean_stop(int stop_rc, int serve_rc, const char *fn)
{
    cio_expect(stop_rc != -ETIMEDOUT,
               "%s did not return within 5 s of stop being set: once the stop event is "
               "set, stop accepting (a task waiting in cio_accept waits for a client, not for "
               "the event: cancel it), close the connections, wait for your tasks and return 0",
               fn);
    cio_expect(serve_rc == 0, "%s returned %d (%s) after stop; expected 0", fn, serve_rc,
               strerror(serve_rc < 0 ? -serve_rc : serve_rc));
}

static NET_UNUSED void net_expect_no_leaks(int fds_before, int fds_after, const char *fn)
{
    cio_expect(fds_after <= fds_before,
               "%d more descriptor(s) were open after %s returned than before it started: "
               "close every connection you accept", fds_after - fds_before, fn);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0,
               "%llu task(s) were still running when the test finished: %s must wait for "
               "the tasks it starts before it returns",
               (unsigned long long)st->tasks_pending_at_exit, fn);
    cio_expect(st->objects_live == 0,
               "%llu lock/event/queue/group object(s) were never freed",
               (unsigned long long)st->objects_live);
}

#endif /* NET_TEST_H */
