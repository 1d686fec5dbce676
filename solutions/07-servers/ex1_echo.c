/*
 * ex1_echo.c — reference solution of exercise 07.1: an echo server, one task per
 * connection, that stops cleanly.
 *
 * Three kinds of task: the caller waits for `stop`; an acceptor task accepts and starts
 * a connection task in a group; each connection task echoes until its client leaves.
 * On stop the caller cancels the acceptor (its cio_accept returns -ECANCELED), then the
 * group (every cio_read returns -ECANCELED, each task closes its fd), and waits for both.
 * The benchmarks in bench/ link this file, so the hot loop stays one read, one write.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

/* What the acceptor task needs. */
struct acceptor {
    int        listen_fd;   /* the caller's listening socket */
    cio_group *connections; /* every connection task lives here */
};

/* One connection: echo until the client closes, an error, or cancellation; then close. */
static int echo_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[16384];
    for (;;) {
        ssize_t n = cio_read(fd, buf, sizeof buf);
        if (n <= 0)
            break; /* 0: the client closed; -ECANCELED: the server stops; else an error */
        if (cio_write(fd, buf, (size_t)n) < 0)
            break;
    }
    close(fd);
    return 0; /* a client that leaves is no failure of the group */
}

static int accept_loop(void *arg)
{
    struct acceptor *a = arg;
    for (;;) {
        int fd = cio_accept(a->listen_fd);
        if (fd == -ECANCELED)
            return 0; /* stop was set */
        if (fd < 0) {
            /* Out of descriptors (EMFILE/ENFILE) or a transient error: back off briefly
               instead of spinning; the stop still interrupts the sleep. */
            if (cio_sleep(0.01) == -ECANCELED)
                return 0;
            continue;
        }
        if (cio_group_spawn(a->connections, echo_connection, (void *)(intptr_t)fd) != 0)
            close(fd); /* out of memory: refuse this client, keep serving the others */
    }
}

int echo_serve(int listen_fd, cio_event *stop)
{
    cio_group *connections = cio_group_new();
    if (!connections)
        return -ENOMEM;
    struct acceptor a = {listen_fd, connections};
    cio_task *acceptor = cio_spawn(accept_loop, &a);
    if (!acceptor) {
        cio_group_cancel(connections);
        cio_group_wait(connections);
        return -ENOMEM;
    }
    int rc = cio_event_wait(stop);  /* the whole server runs while this task waits */
    cio_cancel(acceptor);           /* first: no new connections */
    cio_await(acceptor);
    cio_group_cancel(connections);  /* then: close every open one */
    int grc = cio_group_wait(connections);
    if (rc == -ECANCELED || grc == -ECANCELED)
        return -ECANCELED;          /* we were cancelled ourselves, not stopped */
    return 0;
}
