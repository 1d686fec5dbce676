/*
 * ex2_chat_demo.c — watch your chat_serve() keep a room going while one client stalls
 * (`build/cio-grade run 07.2`).
 *
 * Without arguments: starts your server on a free port of 127.0.0.1 with outboxes of
 * 8 lines; alice and bob chat while carol stops reading; then alice floods 2,000 lines.
 * It prints who received what, and when carol's connection ended. With
 * `serve [PORT] [SECONDS]` it only serves, for nc:
 *   cc -std=gnu11 -O2 -Iruntime/include lessons/07-servers/ex2_chat.c \
 *      lessons/07-servers/demos/ex2_chat_demo.c build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/chat
 *   /tmp/chat serve 7008 120 &   nc 127.0.0.1 7008   (in two or three terminals)
 */
#include <cio.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int chat_serve(int listen_fd, cio_event *stop, size_t queue_lines);

enum { FLOOD = 2000 };

/* What the demo's main task needs. */
struct demo {
    unsigned short port;    /* where the server listens */
    double         seconds; /* serve mode: how long to serve */
    int            serve;   /* 1: serve mode */
};

/* One chatting client. */
struct person {
    const char *name;     /* for the transcript */
    int         fd;       /* the connection */
    int         lines;    /* lines received */
    double      ended_at; /* loop time its connection ended; 0: still open */
};

static int listen_on(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1, small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small); /* so a stall shows soon */
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

static int dial(unsigned short port, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || cio_connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

/* Read and count lines until the connection ends; print the first few. */
static int listen_to(void *arg)
{
    struct person *p = arg;
    char buf[8192];
    ssize_t n;
    while ((n = cio_read(p->fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == '\n' && ++p->lines <= 3)
                printf("  %s received line %d\n", p->name, p->lines);
    p->ended_at = cio_now();
    return 0;
}

static void say(struct person *p, const char *text)
{
    printf("%s says: %s", p->name, text);
    cio_write(p->fd, text, strlen(text));
    cio_sleep(0.05);
}

struct server_run {
    int        fd;   /* listening socket */
    cio_event *stop; /* set to stop */
    int        rc;   /* chat_serve's result */
};

static int server_main(void *arg)
{
    struct server_run *s = arg;
    s->rc = chat_serve(s->fd, s->stop, 8);
    return 0;
}

static int demo_main(void *arg)
{
    struct demo *d = arg;
    struct server_run s = {listen_on(&d->port), cio_event_new(), 12345};
    cio_task *server = cio_spawn(server_main, &s);
    cio_sleep(0.01);
    if (cio_task_done(server)) {
        printf("chat_serve returned %d at once; it should serve until stop is set\n", s.rc);
    } else if (d->serve) {
        printf("chat on 127.0.0.1:%u for %.0f s: try nc 127.0.0.1 %u in two terminals\n",
               d->port, d->seconds, d->port);
        fflush(stdout);
        cio_sleep(d->seconds);
    } else {
        struct person alice = {"alice", dial(d->port, 0), 0, 0};
        struct person bob = {"bob", dial(d->port, 0), 0, 0};
        struct person carol = {"carol", dial(d->port, 2048), 0, 0}; /* never reads */
        cio_sleep(0.1);
        cio_task *bob_ears = cio_spawn(listen_to, &bob);
        cio_task *alice_ears = cio_spawn(listen_to, &alice);
        say(&alice, "hi bob\n");
        say(&bob, "hi alice\n");
        printf("carol stops reading. alice sends %d lines of 100 bytes...\n", FLOOD);
        char *flood = malloc((size_t)FLOOD * 100);
        for (int i = 0; i < FLOOD; i++) {
            memset(flood + i * 100, 'x', 99);
            flood[i * 100 + 99] = '\n';
        }
        double start = cio_now();
        cio_write(alice.fd, flood, (size_t)FLOOD * 100);
        free(flood);
        while (bob.lines < FLOOD + 1 && cio_now() - start < 5)
            cio_sleep(0.01);
        printf("bob has %d lines after %.3f s (all of alice's: %s).\n", bob.lines,
               cio_now() - start, bob.lines == FLOOD + 1 ? "yes" : "NO");
        /* Now look at carol's side: what reached her, and whether the server let her go. */
        struct person *c = &carol;
        cio_task *carol_ears = cio_spawn(listen_to, c);
        cio_sleep(0.5);
        printf("carol finally reads: %d lines, then %s\n", c->lines,
               c->ended_at ? "the end of her connection: the server disconnected her"
                           : "nothing more: she is still connected");
        cio_event_set(s.stop); /* the server should now end every connection */
        cio_task *ears[3] = {carol_ears, bob_ears, alice_ears};
        for (int i = 0; i < 3; i++)
            if (cio_wait_for(ears[i], 5.0) == -ETIMEDOUT)
                printf("a connection was still open 5 s after stop was set\n");
        close(alice.fd);
        close(bob.fd);
        close(carol.fd);
    }
    cio_event_set(s.stop);
    if (cio_wait_for(server, 5.0) == -ETIMEDOUT)
        printf("chat_serve did not return within 5 s of stop being set\n");
    else
        printf("chat_serve returned %d\n", s.rc);
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
        d.port = argc > 2 ? (unsigned short)atoi(argv[2]) : 7008;
        d.seconds = argc > 3 ? atof(argv[3]) : 60;
    }
    cio_config cfg = {.virtual_clock = 0, .slow_step = 0.5};
    return cio_run(demo_main, &d, &cfg) == 0 ? 0 : 1;
}
