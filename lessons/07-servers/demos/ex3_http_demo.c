/*
 * ex3_http_demo.c — watch your http_serve() answer (`build/cio-grade run 07.3`).
 *
 * Without arguments: starts your server on a free port of 127.0.0.1, shows a few
 * conversations byte for byte, then lets 100 keep-alive clients (tasks of this same
 * thread) send 20,000 requests and prints the rate. With `serve [PORT] [SECONDS]` it only
 * serves, for curl and wrk:
 *   cc -std=gnu11 -O2 -Iruntime/include lessons/07-servers/ex3_http.c \
 *      lessons/07-servers/demos/ex3_http_demo.c build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/http
 *   /tmp/http serve 8080 60 &   curl -v http://127.0.0.1:8080/   wrk -c 100 -d 10 http://127.0.0.1:8080/
 */
#include <cio.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int http_serve(int listen_fd, cio_event *stop);

/* What the demo's main task needs. */
struct demo {
    unsigned short port;    /* where the server listens */
    double         seconds; /* serve mode: how long to serve */
    int            serve;   /* 1: serve mode */
};

static int listen_on(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(*port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4096) != 0) {
        perror("listen on 127.0.0.1");
        exit(1);
    }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

static int dial(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || cio_connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Send @p request, then print whatever comes back within 0.3 s. */
static void conversation(unsigned short port, const char *title, const char *request)
{
    printf("\n--- %s\n>>> %s", title, request);
    int fd = dial(port);
    if (fd < 0 || cio_write(fd, request, strlen(request)) < 0) {
        printf("(could not send)\n");
        return;
    }
    char buf[4096];
    cio_scope s;
    cio_scope_open_after(&s, 0.3, 0);
    ssize_t n;
    int any = 0;
    while ((n = cio_read(fd, buf, sizeof buf - 1)) > 0) {
        buf[n] = '\0';
        printf("%s%s", any ? "" : "<<< ", buf);
        any = 1;
    }
    int timed_out = cio_scope_close(&s);
    printf("%s[%s]\n", any ? "" : "<<< ", n == 0 ? "the server closed the connection"
                                   : timed_out ? "the connection stays open"
                                               : "error");
    close(fd);
}

/* One keep-alive client of the load test. */
static int hammer(void *arg)
{
    unsigned short port = *(unsigned short *)arg;
    static const char req[] = "GET / HTTP/1.1\r\nHost: demo\r\n\r\n";
    int fd = dial(port);
    if (fd < 0)
        return -1;
    char buf[4096];
    for (int i = 0; i < 200; i++) {
        if (cio_write(fd, req, sizeof req - 1) < 0)
            break;
        /* A response is small: good enough for a demo to read until its body arrives. */
        ssize_t n = cio_read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
    }
    close(fd);
    return 0;
}

struct server_run {
    int        fd;   /* listening socket */
    cio_event *stop; /* set to stop */
    int        rc;   /* http_serve's result */
};

static int server_main(void *arg)
{
    struct server_run *s = arg;
    s->rc = http_serve(s->fd, s->stop);
    return 0;
}

static int demo_main(void *arg)
{
    struct demo *d = arg;
    struct server_run s = {listen_on(&d->port), cio_event_new(), 12345};
    cio_task *server = cio_spawn(server_main, &s);
    cio_sleep(0.01);
    if (cio_task_done(server)) {
        printf("http_serve returned %d at once; it should serve until stop is set\n", s.rc);
    } else if (d->serve) {
        printf("serving http://127.0.0.1:%u/ for %.0f s\n", d->port, d->seconds);
        fflush(stdout);
        cio_sleep(d->seconds);
    } else {
        printf("http_serve is listening on 127.0.0.1:%u\n", d->port);
        conversation(d->port, "GET /", "GET / HTTP/1.1\r\nHost: demo\r\n\r\n");
        conversation(d->port, "another path", "GET /missing HTTP/1.1\r\nHost: demo\r\n\r\n");
        conversation(d->port, "another method", "POST / HTTP/1.1\r\nHost: demo\r\n\r\n");
        conversation(d->port, "two pipelined requests, the second asking to close",
                     "GET / HTTP/1.1\r\nHost: demo\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n");
        conversation(d->port, "nonsense", "HELLO?\r\n\r\n");

        enum { CLIENTS = 100 };
        cio_task *t[CLIENTS];
        double start = cio_now();
        for (int i = 0; i < CLIENTS; i++)
            t[i] = cio_spawn(hammer, &d->port);
        cio_scope patience;
        cio_scope_open_after(&patience, 20.0, 0);
        cio_gather(t, CLIENTS);
        if (cio_scope_close(&patience))
            printf("\n--- load: gave up after 20 s (responses stopped coming)\n");
        double took = cio_now() - start;
        printf("\n--- load: %d keep-alive clients x 200 requests = %d requests in %.3f s: "
               "%.0f requests/s,\n    clients and server sharing one thread; that rate for a "
               "day is %.1f billion requests.\n",
               CLIENTS, CLIENTS * 200, took, CLIENTS * 200 / took,
               CLIENTS * 200 / took * 86400 / 1e9);
    }
    cio_event_set(s.stop);
    if (cio_wait_for(server, 5.0) == -ETIMEDOUT)
        printf("http_serve did not return within 5 s of stop being set\n");
    else
        printf("http_serve returned %d\n", s.rc);
    cio_event_free(s.stop);
    close(s.fd);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it happens, even into a pipe */
    struct demo d = {0, 60, 0};
    if (argc > 1 && strcmp(argv[1], "serve") == 0) {
        d.serve = 1;
        d.port = argc > 2 ? (unsigned short)atoi(argv[2]) : 8080;
        d.seconds = argc > 3 ? atof(argv[3]) : 60;
    }
    cio_config cfg = {.virtual_clock = 0, .slow_step = 0.5};
    int rc = cio_run(demo_main, &d, &cfg);
    return rc == 0 ? 0 : 1;
}
