/*
 * serve_cio.c — runs a cio server function, `int SERVE(int listen_fd, cio_event *stop)`,
 * as a benchmark process: scenario 5 links echo_serve, scenario 6 http_serve (from the
 * 07-servers solutions when they exist, else bench/'s own; module.mk picks).
 * It announces its port, serves until the driver closes its stdin, then reports memory.
 */
#include "net.h"

#include <cio.h>

#ifndef BENCH_SERVE
#error "build with -DBENCH_SERVE=echo_serve or -DBENCH_SERVE=http_serve"
#endif
#ifndef BENCH_IMPL
#define BENCH_IMPL "unknown"
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

int BENCH_SERVE(int listen_fd, cio_event *stop);

static int listen_fd; /* the loopback listening socket made in main */

/* Sets the stop event once the driver closes our stdin (end of file). */
static int stopper(void *arg) {
    char buf[64];
    while (cio_read(0, buf, sizeof buf) > 0) {}
    cio_event_set(arg);
    return 0;
}

static int server_main(void *arg) {
    (void)arg;
    cio_event *stop = cio_event_new();
    cio_task *st = cio_spawn(stopper, stop);
    if (!stop || !st) return -ENOMEM;
    int rc = BENCH_SERVE(listen_fd, stop);
    cio_cancel(st); /* the server may have returned on its own */
    cio_await(st);
    cio_event_free(stop);
    return rc;
}

int main(void) {
    int port = 0;
    listen_fd = bench_listen(0, &port);
    if (listen_fd < 0) {
        fprintf(stderr, "serve_cio: cannot listen on 127.0.0.1: %s\n", strerror(-listen_fd));
        return 1;
    }
    bench_announce(STR(BENCH_SERVE), port);
    /* A server's steps are short, but the connection tasks left when stop is set are
       reported as pending at exit; send reports to stderr, which the driver keeps. */
    cio_config cfg = {.slow_step = -1};
    int rc = cio_run(server_main, NULL, &cfg);
    bench_server_done("cio", BENCH_IMPL);
    return rc == 0 || rc == -ECANCELED ? 0 : 1;
}
