/*
 * ex1_echo_demo.c — watch your echo_serve() carry a thousand connections
 * (`build/cio-grade run 07.1`).
 *
 * Without arguments: starts your server on a free port of 127.0.0.1, connects 1,000
 * clients (tasks of this same thread), has each send ten 1 KiB messages and check the
 * echoes, and prints the time, the memory and the number of tasks. With
 * `serve [PORT] [SECONDS]` it only serves, for nc:
 *   cc -std=gnu11 -O2 -Iruntime/include lessons/07-servers/ex1_echo.c \
 *      lessons/07-servers/demos/ex1_echo_demo.c build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/echo
 *   /tmp/echo serve 7007 60 &   nc 127.0.0.1 7007   (in two terminals at once)
 */
#include <cio.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int echo_serve(int listen_fd, cio_event *stop);

enum { CLIENTS = 1000, ROUNDS = 10, SIZE = 1024 };

/* What the demo's main task needs. */
struct demo {
    unsigned short port;    /* where the server listens */
    double         seconds; /* serve mode: how long to serve */
    int            serve;   /* 1: serve mode; -1: the server is already gone */
    int            good;    /* clients whose every echo came back right */
    int            connected; /* clients connected right now */
    int            most_connected; /* the most connected at once */
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

/* The resident memory of this process, in KiB (from /proc/self/status). */
static long rss_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            kib = atol(line + n + 1);
    if (f)
        fclose(f);
    return kib;
}

static int client(void *arg)
{
    struct demo *d = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(d->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || cio_connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    if (++d->connected > d->most_connected)
        d->most_connected = d->connected;
    char out[SIZE], in[SIZE];
    int ok = 1;
    for (int r = 0; r < ROUNDS && ok; r++) {
        memset(out, 'a' + r, sizeof out);
        ok = cio_write(fd, out, sizeof out) == SIZE;
        size_t got = 0;
        while (ok && got < SIZE) {
            ssize_t n = cio_read(fd, in + got, SIZE - got);
            ok = n > 0;
            got += n > 0 ? (size_t)n : 0;
        }
        ok = ok && memcmp(in, out, SIZE) == 0;
        cio_sleep(0.01); /* stay connected a while, like a real session */
    }
    d->connected--;
    d->good += ok;
    close(fd);
    return 0;
}

struct server_run {
    int        fd;   /* listening socket */
    cio_event *stop; /* set to stop */
    int        rc;   /* echo_serve's result */
};

static int server_main(void *arg)
{
    struct server_run *s = arg;
    s->rc = echo_serve(s->fd, s->stop);
    return 0;
}

static int demo_main(void *arg)
{
    struct demo *d = arg;
    struct server_run s = {listen_on(&d->port), cio_event_new(), 12345};
    cio_task *server = cio_spawn(server_main, &s);
    cio_sleep(0.01);
    if (cio_task_done(server)) {
        printf("echo_serve returned %d at once; it should serve until stop is set\n", s.rc);
        d->serve = -1;
    } else if (d->serve) {
        printf("echoing on 127.0.0.1:%u for %.0f s: try nc 127.0.0.1 %u\n", d->port,
               d->seconds, d->port);
        fflush(stdout);
        cio_sleep(d->seconds);
    } else {
        long rss_before = rss_kib("VmRSS:");
        printf("echo_serve is listening on 127.0.0.1:%u; %d clients connect...\n", d->port,
               CLIENTS);
        cio_task **t = calloc(CLIENTS, sizeof *t);
        double start = cio_now();
        for (int i = 0; i < CLIENTS; i++)
            t[i] = cio_spawn(client, d);
        cio_scope patience; /* a server that serves one client at a time would take minutes */
        cio_scope_open_after(&patience, 10.0, 0);
        cio_gather(t, CLIENTS);
        if (cio_scope_close(&patience))
            printf("gave up after 10 s: %d clients were served in that time.\n", d->good);
        free(t);
        double took = cio_now() - start;
        cio_stats st;
        cio_stats_get(&st);
        printf("%d of %d clients got every echo back; %d were connected at once.\n", d->good,
               CLIENTS, d->most_connected);
        printf("%.3f s; %llu tasks created (clients and server); one thread;\n"
               "memory: %ld KiB resident before, %ld KiB at the peak.\n", took,
               (unsigned long long)st.tasks_spawned, rss_before, rss_kib("VmHWM:"));
    }
    cio_event_set(s.stop);
    if (cio_wait_for(server, 5.0) == -ETIMEDOUT)
        printf("echo_serve did not return within 5 s of stop being set\n");
    else
        printf("echo_serve returned %d\n", s.rc);
    cio_event_free(s.stop);
    close(s.fd);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it happens, even into a pipe */
    struct demo d = {0};
    if (argc > 1 && strcmp(argv[1], "serve") == 0) {
        d.serve = 1;
        d.port = argc > 2 ? (unsigned short)atoi(argv[2]) : 7007;
        d.seconds = argc > 3 ? atof(argv[3]) : 60;
    }
    struct rlimit r; /* two descriptors per connection: ask for what the hard limit allows */
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < 4096) {
        r.rlim_cur = r.rlim_max < 4096 ? r.rlim_max : 4096;
        setrlimit(RLIMIT_NOFILE, &r);
    }
    cio_config cfg = {.virtual_clock = 0, .slow_step = 0.5};
    return cio_run(demo_main, &d, &cfg) == 0 ? 0 : 1;
}
