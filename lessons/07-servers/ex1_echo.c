/*
 * ex1_echo.c — exercise 07.1: an echo server for a thousand clients at once.
 *
 * echo_serve() gets a listening, non-blocking TCP socket and sends every byte each
 * client sends straight back to it, until the `stop` event is set. This version serves
 * one client at a time and never looks at `stop`: a second client waits until the first
 * one leaves, and the server never returns. Run `build/cio-grade check 07.1`, and try it
 * by hand with `build/cio-grade run 07.1` and `nc 127.0.0.1 7007` in two terminals.
 *
 * TODO: one task per connection; accept in a task of its own so that the stop event
 * can interrupt it; on stop, stop accepting, close every connection, wait for every
 * task, and return 0.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* Echo every byte on @p fd back to the client until it closes, then close @p fd. */
static void echo_connection(int fd)
{
    char buf[16384];
    for (;;) {
        ssize_t n = cio_read(fd, buf, sizeof buf);
        if (n <= 0)
            break; /* 0: the client closed; < 0: an error (or cancellation) */
        if (cio_write(fd, buf, (size_t)n) < 0)
            break;
    }
    close(fd);
}

/*
 * Serve every connection on @p listen_fd (already listening, owned by the caller: do not
 * close it), echoing bytes back, one task per connection, until @p stop is set. Then stop
 * accepting, close every connection, wait for every task, and return.
 * @return 0 after a clean stop; -ENOMEM if memory ran out.
 */
int echo_serve(int listen_fd, cio_event *stop)
{
    /* TODO: while this task is inside echo_connection(), nobody else is served. */
    while (!cio_event_is_set(stop)) {
        int fd = cio_accept(listen_fd); /* ...and this waits for a client, not for `stop` */
        if (fd < 0)
            return fd;
        echo_connection(fd);
    }
    return 0;
}
