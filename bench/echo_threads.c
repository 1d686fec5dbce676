/*
 * echo_threads.c — scenario 5 with one POSIX thread per connection and blocking I/O: the
 * classic design that async servers are compared with. The main thread waits for stdin to
 * close; an accepting thread starts a detached thread for every connection.
 */
#include "net.h"

#include <pthread.h>

static void *echo_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf), off = 0;
        if (n <= 0) break;
        while (off < n) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w <= 0) goto out;
            off += w;
        }
    }
out:
    close(fd);
    return NULL;
}

static void *acceptor(void *arg) {
    int lfd = (int)(intptr_t)arg;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) continue;
        pthread_t t;
        if (pthread_create(&t, &attr, echo_conn, (void *)(intptr_t)fd) != 0) close(fd);
    }
    return NULL;
}

int main(void) {
    int port = 0, lfd = bench_listen(0, &port);
    if (lfd < 0) return 1;
    pthread_t t;
    if (pthread_create(&t, NULL, acceptor, (void *)(intptr_t)lfd) != 0) return 1;
    bench_announce("threads", port);
    char buf[64];
    while (read(0, buf, sizeof buf) > 0) {}
    /* Connection threads are still blocked in read(); exiting the process ends them. */
    bench_server_done("threads", "bench/echo_threads.c");
    return 0;
}
