/*
 * ex1_echo_test.c — tests of exercise 07.1 (echo_serve): every byte comes back, to one
 * client and to a thousand at once; a client that idles does not hold up the others;
 * stopping closes every connection and returns 0.
 *
 * The clients are cio tasks in the same process, connecting over 127.0.0.1 to an
 * ephemeral port. Assertions are on bytes and order, never on loop times.
 */
#include "net_test.h"

#include <stdarg.h>

/* ---- The learner's side (keep in step with ex1_echo.c) ---------------------------- */

int echo_serve(int listen_fd, cio_event *stop);

/* ---- Clients ------------------------------------------------------------------------ */

enum { MAX_ROUNDS = 4, MAX_CLIENTS = 1000 };

struct failure {
    int  count;     /* clients that saw something wrong */
    char first[256];/* what the first of them saw */
};

struct client {
    unsigned short  port;               /* where the server listens */
    unsigned        id;                 /* which client this is (varies the bytes) */
    size_t          size[MAX_ROUNDS];   /* bytes sent in each round; 0 ends the list */
    int             hang_up;            /* 1: close its side at the end and expect EOF */
    int             fd;                 /* the connection, while open */
    int             failed;             /* set by the first complaint */
    struct failure *fail;               /* shared by every client */
};

static void client_failed(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void client_failed(struct client *c, const char *fmt, ...)
{
    if (c->failed++)
        return; /* one complaint per client */
    if (c->fail->count++ == 0) {
        snprintf(c->fail->first, sizeof c->fail->first, "client %u ", c->id);
        size_t used = strlen(c->fail->first);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->fail->first + used, sizeof c->fail->first - used, fmt, ap);
        va_end(ap);
    }
}

static unsigned char pattern(unsigned id, size_t round, size_t i)
{
    return (unsigned char)(id * 131u + round * 17u + i * 7u + (i >> 8));
}

/* Writes one round's bytes while the client reads the echo: big messages need both at
   once, or client and server would each wait for the other to read. */
struct sender {
    int                  fd;  /* the connection */
    const unsigned char *buf; /* what to send */
    size_t               n;   /* how much */
};

static int send_all(void *arg)
{
    struct sender *s = arg;
    ssize_t w = cio_write(s->fd, s->buf, s->n);
    return w < 0 ? (int)w : 0;
}

/* One round: send size bytes, read size bytes back, compare. @return 0 or -1. */
static int exchange(struct client *c, size_t round)
{
    size_t n = c->size[round];
    unsigned char *out = malloc(n), *in = malloc(n);
    if (!out || !in) {
        free(out);
        free(in);
        client_failed(c, "ran out of memory for %zu bytes", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = pattern(c->id, round, i);
    struct sender s = {c->fd, out, n};
    cio_task *writer = cio_spawn(send_all, &s);
    ssize_t got = net_read_exact(c->fd, in, n);
    int wrc = writer ? cio_await(writer) : -ENOMEM;
    int ok = 0;
    if (wrc < 0)
        client_failed(c, "could not send %zu bytes: %s", n, strerror(-wrc));
    else if (got < 0)
        client_failed(c, "sent %zu bytes; reading the echo failed: %s", n, strerror((int)-got));
    else if ((size_t)got < n)
        client_failed(c, "sent %zu bytes, and the connection closed after %zd came back", n,
                      got);
    else {
        ok = 1;
        for (size_t i = 0; i < n && ok; i++)
            if (in[i] != out[i]) {
                client_failed(c, "sent %zu bytes; byte %zu of the echo differs from what was sent",
                              n, i);
                ok = 0;
            }
    }
    free(out);
    free(in);
    return ok ? 0 : -1;
}

static int client_session(struct client *c);

/* A client, with a deadline: if the loop sits idle and no answer comes, it gives up. */
static int run_client(void *arg)
{
    struct client *c = arg;
    cio_scope deadline;
    cio_scope_open_after(&deadline, 30.0, 0);
    client_session(c);
    if (cio_scope_close(&deadline))
        client_failed(c, "gave up after 30 s without an answer: is some task of the server "
                      "stuck?");
    if (c->fd >= 0)
        close(c->fd);
    return 0;
}

static int client_session(struct client *c)
{
    c->fd = net_connect(c->port, 0);
    if (c->fd < 0) {
        client_failed(c, "could not connect: %s", strerror(-c->fd));
        return 0;
    }
    for (size_t r = 0; r < MAX_ROUNDS && c->size[r]; r++)
        if (exchange(c, r) != 0)
            break;
    if (c->hang_up) {
        shutdown(c->fd, SHUT_WR); /* "I am done": the server should close its end */
        ssize_t extra = net_expect_eof(c->fd);
        if (extra != 0)
            client_failed(c, "closed its side of the connection, and then %s",
                          extra > 0 ? "received bytes it never sent" : "reading failed");
    }
    return 0;
}

/* ---- A whole test run --------------------------------------------------------------- */

struct scenario {
    struct client     clients[MAX_CLIENTS]; /* the clients to run */
    size_t            nclients;             /* how many */
    struct failure    fail;                 /* what went wrong */
    int               listen_fd;            /* the server's socket */
    unsigned short    port;                 /* its port */
    struct net_server server;               /* the learner's server */
    int               stop_rc;              /* net_server_stop's result */
};

static int all_clients(void *arg)
{
    struct scenario *s = arg;
    cio_task **tasks = calloc(s->nclients, sizeof *tasks);
    if (!tasks)
        return -ENOMEM;
    for (size_t i = 0; i < s->nclients; i++) {
        tasks[i] = cio_spawn(run_client, &s->clients[i]);
        if (i % 50 == 49)
            cio_yield(); /* let the first ones start while the rest are created */
    }
    int rc = cio_gather(tasks, s->nclients);
    free(tasks);
    return rc;
}

static int scenario_main(void *arg)
{
    struct scenario *s = arg;
    if (net_server_start(&s->server, echo_serve, s->listen_fd) != 0)
        return -ENOMEM;
    net_while_serving(&s->server, all_clients, s, 60.0);
    s->stop_rc = net_server_stop(&s->server, 5.0);
    return 0;
}

static struct scenario *scenario_new(size_t nclients)
{
    static struct scenario s;
    memset(&s, 0, sizeof s);
    s.nclients = nclients;
    s.listen_fd = net_listen(&s.port, 0);
    for (size_t i = 0; i < nclients; i++)
        s.clients[i] = (struct client){.port = s.port, .id = (unsigned)i, .hang_up = 1,
                                       .fd = -1, .fail = &s.fail};
    return &s;
}

static void scenario_run(struct scenario *s)
{
    int before = net_open_fds();
    int rc = net_run(scenario_main, s);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    net_expect_served(&s->server, "echo_serve");
    cio_expect(s->fail.count == 0, "%d of %zu client(s) saw something wrong; the first: %s",
               s->fail.count, s->nclients, s->fail.first);
    net_expect_clean_stop(s->stop_rc, s->server.rc, "echo_serve");
    int after = net_open_fds();
    close(s->listen_fd);
    net_expect_no_leaks(before, after, "echo_serve");
}

/* ---- Visible cases ---------------------------------------------------------------- */

static void echoes_one_client(void **state)
{
    (void)state;
    struct scenario *s = scenario_new(1);
    s->clients[0].size[0] = 5;
    s->clients[0].size[1] = 1000;
    s->clients[0].size[2] = 200000; /* more than the socket buffers hold */
    scenario_run(s);
}

/* Client A connects and says nothing; client B must still get its echo. */
struct pair {
    unsigned short    port;   /* the server's port */
    int               a_fd;   /* the idle client */
    int               b_ok;   /* 1 if B got its echo in time */
    int               a_ok;   /* 1 if A got its echo afterwards */
};

static int idle_then_busy(void *arg)
{
    struct pair *p = arg;
    p->a_fd = net_connect(p->port, 0);
    if (p->a_fd < 0)
        return p->a_fd;
    cio_yield(); /* let the server accept A first */
    int b = net_connect(p->port, 0);
    if (b < 0)
        return b;
    char buf[6] = {0};
    cio_scope scope;
    cio_scope_open_after(&scope, 5.0, 0);
    if (cio_write(b, "hello", 5) == 5 && net_read_exact(b, buf, 5) == 5)
        p->b_ok = memcmp(buf, "hello", 5) == 0;
    cio_scope_close(&scope);
    close(b);
    if (cio_write(p->a_fd, "late", 4) == 4 && net_read_exact(p->a_fd, buf, 4) == 4)
        p->a_ok = memcmp(buf, "late", 4) == 0;
    close(p->a_fd);
    return 0;
}

struct pair_run {
    struct pair       pair;   /* the two clients */
    struct net_server server; /* the learner's server */
    int               stop_rc;/* net_server_stop's result */
    int               listen_fd; /* the server's socket, made by the test */
};

static int pair_main(void *arg)
{
    struct pair_run *r = arg;
    if (net_server_start(&r->server, echo_serve, r->listen_fd) != 0)
        return -ENOMEM;
    net_while_serving(&r->server, idle_then_busy, &r->pair, 30.0);
    r->stop_rc = net_server_stop(&r->server, 5.0);
    return 0;
}

static void serves_clients_concurrently(void **state)
{
    (void)state;
    static struct pair_run r;
    memset(&r, 0, sizeof r);
    r.listen_fd = net_listen(&r.pair.port, 0);
    int before = net_open_fds();
    int rc = net_run(pair_main, &r);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    net_expect_served(&r.server, "echo_serve");
    cio_expect(r.pair.b_ok,
               "client A connected and said nothing; client B then sent \"hello\" and its "
               "echo did not come within 5 s: is the server still busy with A? Serve each "
               "connection in a task of its own.");
    cio_expect(r.pair.a_ok, "client A's echo never came after B had left");
    net_expect_clean_stop(r.stop_rc, r.server.rc, "echo_serve");
    int after = net_open_fds();
    close(r.listen_fd);
    net_expect_no_leaks(before, after, "echo_serve");
}

static void thousand_clients(void **state)
{
    (void)state;
    net_need_files(2 * MAX_CLIENTS + 64);
    struct scenario *s = scenario_new(MAX_CLIENTS);
    for (size_t i = 0; i < MAX_CLIENTS; i++) {
        s->clients[i].size[0] = 1 + (i * 37) % 6000;
        s->clients[i].size[1] = i % 100 == 0 ? 256 * 1024 : 1 + (i * 101 + 7) % 3000;
    }
    scenario_run(s);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

/* Clients that stay connected: stop must close them, and nothing more is accepted. */
struct lingering {
    unsigned short    port;       /* the server's port */
    int               listen_fd;  /* its socket */
    int               fds[20];    /* the clients */
    int               echoed;     /* clients that got their first echo */
    int               ended;      /* clients that saw their connection end after stop */
    int               late_served;/* 1 if a client connecting after stop got an echo */
    struct net_server server;     /* the learner's server */
    int               stop_rc;    /* net_server_stop's result */
};

static int ping_twenty(void *arg)
{
    struct lingering *l = arg;
    char buf[8];
    for (int i = 0; i < 20; i++) {
        l->fds[i] = net_connect(l->port, 0);
        if (l->fds[i] >= 0 && cio_write(l->fds[i], "ping", 4) == 4 &&
            net_read_exact(l->fds[i], buf, 4) == 4 && memcmp(buf, "ping", 4) == 0)
            l->echoed++;
    }
    return 0;
}

static int lingering_main(void *arg)
{
    struct lingering *l = arg;
    for (int i = 0; i < 20; i++)
        l->fds[i] = -1;
    if (net_server_start(&l->server, echo_serve, l->listen_fd) != 0)
        return -ENOMEM;
    net_while_serving(&l->server, ping_twenty, l, 10.0);
    l->stop_rc = net_server_stop(&l->server, 5.0);
    char buf[8];
    for (int i = 0; i < 20; i++) {
        if (l->fds[i] < 0)
            continue;
        cio_scope scope;
        cio_scope_open_after(&scope, 5.0, 0);
        if (net_expect_eof(l->fds[i]) == 0)
            l->ended++;
        cio_scope_close(&scope);
        close(l->fds[i]);
    }
    /* The listening socket is still open (it is the caller's), so the kernel completes
       this connection; nobody may serve it any more. */
    int late = net_connect(l->port, 0);
    if (late >= 0) {
        cio_scope scope;
        cio_scope_open_after(&scope, 1.0, 0);
        if (cio_write(late, "x", 1) == 1 && net_read_exact(late, buf, 1) == 1)
            l->late_served = 1;
        cio_scope_close(&scope);
        close(late);
    }
    return 0;
}

static void stop_closes_open_connections(void **state)
{
    (void)state;
    static struct lingering l;
    memset(&l, 0, sizeof l);
    l.listen_fd = net_listen(&l.port, 0);
    int before = net_open_fds();
    int rc = net_run(lingering_main, &l);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    net_expect_served(&l.server, "echo_serve");
    cio_expect(l.echoed == 20, "20 clients connected one after another and each sent "
               "\"ping\" without leaving; only %d got their echo", l.echoed);
    net_expect_clean_stop(l.stop_rc, l.server.rc, "echo_serve");
    cio_expect(l.ended == 20,
               "20 clients were still connected when stop was set; %d of them saw their "
               "connection closed afterwards: close every connection on stop", l.ended);
    cio_expect(!l.late_served, "a client that connected after echo_serve returned was "
               "still served: stop accepting when stop is set");
    cio_expect(net_fd_is_open(l.listen_fd), "echo_serve closed the listening socket; it "
               "belongs to the caller");
    int after = net_open_fds();
    close(l.listen_fd);
    net_expect_no_leaks(before, after, "echo_serve");
}

static void large_messages(void **state)
{
    (void)state;
    struct scenario *s = scenario_new(4);
    for (size_t i = 0; i < 4; i++) {
        s->clients[i].size[0] = 1u << 20;
        s->clients[i].size[1] = 3u << 20;
        s->clients[i].size[2] = 1;
    }
    scenario_run(s);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(echoes_one_client),
    cmocka_unit_test(serves_clients_concurrently),
    cmocka_unit_test(thousand_clients),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(stop_closes_open_connections),
    cmocka_unit_test(large_messages),
#endif
};

CIO_TEST_MAIN(tests)
