/*
 * ex3_http_test.c — tests of exercise 07.3 (http_serve): the right status, headers and
 * body for GET /, other paths, other methods and malformed requests; keep-alive by
 * default, Connection: close honoured, pipelined requests answered in order; many
 * clients at once while one dawdles; bodies skipped; a clean stop.
 *
 * Clients are cio tasks in this process talking over 127.0.0.1; responses are parsed
 * the way a client must parse them: status line, headers, then exactly Content-Length
 * bytes of body.
 */
#include "net_test.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>

/* ---- The learner's side (keep in step with ex3_http.c) ----------------------------- */

int http_serve(int listen_fd, cio_event *stop);

/* ---- Parsing responses ------------------------------------------------------------------ */

enum { MAX_CONNS = 8 };

struct web {
    unsigned short    port;            /* the server's port */
    int               listen_fd;       /* its socket */
    struct net_lines  c[MAX_CONNS];    /* the test's connections (fd < 0: none) */
    struct net_server server;          /* the learner's server */
    int               stop_rc;         /* net_server_stop's result */
    int               fails;           /* problems seen */
    char              first[400];      /* the first of them */
};

static void problem(struct web *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct web *w, const char *fmt, ...)
{
    if (w->fails++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->first, sizeof w->first, fmt, ap);
        va_end(ap);
    }
}

struct response {
    int    status;             /* the status code */
    char   content_type[128];  /* the Content-Type header, "" if none */
    long   content_length;     /* the Content-Length header, -1 if none */
    char   connection[64];     /* the Connection header, "" if none */
    char   allow[64];          /* the Allow header, "" if none */
    char   body[1024];         /* the body (NUL-terminated) */
};

static void header_value(const char *line, char *out, size_t cap)
{
    const char *v = strchr(line, ':') + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strcspn(v, "\r\n");
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

/* Read one response on connection @p c. @p what names the request in messages.
   @return 0, or -1 after recording a problem. */
static int read_response(struct web *w, struct net_lines *c, struct response *r, const char *what)
{
    char line[1024];
    memset(r, 0, sizeof *r);
    r->content_length = -1;
    ssize_t n = net_read_line(c, line, sizeof line);
    if (n <= 0) {
        problem(w, "%s: no response came (%s)", what,
                n == 0 ? "the connection was closed" : "reading failed or timed out");
        return -1;
    }
    if (strncmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[9]) ||
        sscanf(line + 9, "%3d", &r->status) != 1 || line[8] != ' ') {
        problem(w, "%s: the response does not start with a status line like "
                "\"HTTP/1.1 200 OK\": got \"%.*s\"", what, (int)strcspn(line, "\r\n"), line);
        return -1;
    }
    for (;;) {
        n = net_read_line(c, line, sizeof line);
        if (n <= 0) {
            problem(w, "%s: the headers of the response never ended with an empty line", what);
            return -1;
        }
        if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0)
            break;
        if (!strchr(line, ':')) {
            problem(w, "%s: \"%.*s\" is not a header line (Name: value)", what,
                    (int)strcspn(line, "\r\n"), line);
            return -1;
        }
        if (strncasecmp(line, "Content-Type:", 13) == 0)
            header_value(line, r->content_type, sizeof r->content_type);
        else if (strncasecmp(line, "Connection:", 11) == 0)
            header_value(line, r->connection, sizeof r->connection);
        else if (strncasecmp(line, "Allow:", 6) == 0)
            header_value(line, r->allow, sizeof r->allow);
        else if (strncasecmp(line, "Content-Length:", 15) == 0) {
            char v[32];
            header_value(line, v, sizeof v);
            char *end;
            r->content_length = strtol(v, &end, 10);
            if (*end || end == v)
                r->content_length = -2;
        }
    }
    if (r->content_length < 0) {
        problem(w, "%s: the %d response has %s Content-Length: on a kept-alive connection "
                "the client cannot tell where its body ends", what, r->status,
                r->content_length == -1 ? "no" : "an unreadable");
        return -1;
    }
    if ((size_t)r->content_length >= sizeof r->body) {
        problem(w, "%s: Content-Length %ld is far bigger than any body this server sends", what,
                r->content_length);
        return -1;
    }
    n = net_read_bytes(c, r->body, (size_t)r->content_length);
    if (n != r->content_length) {
        problem(w, "%s: Content-Length said %ld bytes, but the connection %s after %zd",
                what, r->content_length, n < 0 ? "failed" : "closed", n < 0 ? (ssize_t)0 : n);
        return -1;
    }
    r->body[n] = '\0';
    return 0;
}

/* Read a response and check it. @p want_body NULL: any body (then it must end in '\n'
   and Content-Length must match it, which read_response already made sure of). */
static int expect_response(struct web *w, size_t k, const char *what, int want_status,
                           const char *want_body, int want_close)
{
    struct response r;
    if (read_response(w, &w->c[k], &r, what) != 0)
        return -1;
    if (r.status != want_status) {
        problem(w, "%s: expected status %d, got %d", what, want_status, r.status);
        return -1;
    }
    if (strncasecmp(r.content_type, "text/plain", 10) != 0) {
        problem(w, "%s: expected Content-Type: text/plain, got \"%s\"", what, r.content_type);
        return -1;
    }
    if (want_body && strcmp(r.body, want_body) != 0) {
        problem(w, "%s: expected the body \"%s\" (%zu bytes), got \"%s\" (%zu bytes)", what,
                want_body, strlen(want_body), r.body, strlen(r.body));
        return -1;
    }
    if (want_status == 405 && !strstr(r.allow, "GET")) {
        problem(w, "%s: a 405 response must say which methods are allowed: \"Allow: GET\"",
                what);
        return -1;
    }
    if (want_close) {
        if (strcasecmp(r.connection, "close") != 0) {
            problem(w, "%s: the server closes the connection after this response, so the "
                    "response must say \"Connection: close\"", what);
            return -1;
        }
        cio_scope deadline;
        cio_scope_open_after(&deadline, 5.0, 0);
        char extra[64];
        ssize_t n = net_read_line(&w->c[k], extra, sizeof extra);
        int fired = cio_scope_close(&deadline);
        if (n != 0 && n != -ECONNRESET) {
            problem(w, "%s: after a response with Connection: close, the server must close "
                    "the connection; %s", what,
                    fired ? "it was still open 5 s later" : "more bytes came instead");
            return -1;
        }
        close(w->c[k].fd);
        w->c[k].fd = -1;
    } else if (strcasecmp(r.connection, "close") == 0) {
        problem(w, "%s: the response says Connection: close, but this request should keep "
                "the connection open (HTTP/1.1 keeps it by default)", what);
        return -1;
    }
    return 0;
}

static int open_conn(struct web *w, size_t k)
{
    w->c[k].len = 0;
    w->c[k].fd = net_connect(w->port, 0);
    if (w->c[k].fd < 0) {
        problem(w, "connection %zu could not connect: %s", k, strerror(-w->c[k].fd));
        return -1;
    }
    return 0;
}

static int send_text(struct web *w, size_t k, const char *text)
{
    size_t len = strlen(text);
    if (cio_write(w->c[k].fd, text, len) != (ssize_t)len) {
        problem(w, "could not send a request on connection %zu", k);
        return -1;
    }
    return 0;
}

#define GET_ROOT  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#define HELLO     "Hello, world!\n"

/* ---- The frame of every case ------------------------------------------------------------- */

typedef int (*body_fn)(struct web *w);

struct web_run {
    struct web *w;    /* the scenario's state */
    body_fn     body; /* the scenario */
};

static int web_body(void *arg)
{
    struct web_run *run = arg;
    return run->body(run->w);
}

static int web_main(void *arg)
{
    struct web_run *run = arg;
    struct web *w = run->w;
    if (net_server_start(&w->server, http_serve, w->listen_fd) != 0)
        return -ENOMEM;
    if (net_while_serving(&w->server, web_body, run, 30.0) == -ETIMEDOUT)
        problem(w, "the test gave up after 30 s: a client still waited for a response. "
                "Is a task of the server stuck?");
    w->stop_rc = net_server_stop(&w->server, 5.0);
    /* Connections still open when stop was set must be closed by the server. */
    for (size_t k = 0; k < MAX_CONNS; k++) {
        if (w->c[k].fd < 0)
            continue;
        if (!w->server.returned_early && !w->fails) {
            cio_scope deadline;
            cio_scope_open_after(&deadline, 5.0, 0);
            char extra[64];
            ssize_t n = net_read_line(&w->c[k], extra, sizeof extra);
            if (cio_scope_close(&deadline) || (n != 0 && n != -ECONNRESET))
                problem(w, "connection %zu was idle and kept alive when stop was set; "
                        "http_serve should have closed it", k);
        }
        close(w->c[k].fd);
        w->c[k].fd = -1;
    }
    return 0;
}

static void run_web(body_fn body)
{
    static struct web w;
    memset(&w, 0, sizeof w);
    for (size_t k = 0; k < MAX_CONNS; k++)
        w.c[k].fd = -1;
    w.listen_fd = net_listen(&w.port, 0);
    int before = net_open_fds();
    struct web_run run = {&w, body};
    int rc = net_run(web_main, &run);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    net_expect_served(&w.server, "http_serve");
    cio_expect(w.fails == 0, "%s", w.first);
    net_expect_clean_stop(w.stop_rc, w.server.rc, "http_serve");
    int after = net_open_fds();
    close(w.listen_fd);
    net_expect_no_leaks(before, after, "http_serve");
}

/* ---- Visible cases ---------------------------------------------------------------- */

static int hello_twice(struct web *w)
{
    if (open_conn(w, 0) || send_text(w, 0, GET_ROOT) ||
        expect_response(w, 0, "GET /", 200, HELLO, 0))
        return -1;
    /* HTTP/1.1 keeps the connection: a second request on it is answered too. */
    if (send_text(w, 0, GET_ROOT) ||
        expect_response(w, 0, "a second GET / on the same connection", 200, HELLO, 0))
        return -1;
    return 0;
}

static void get_root_says_hello(void **state)
{
    (void)state;
    run_web(hello_twice);
}

static int other_paths_and_methods(struct web *w)
{
    if (open_conn(w, 0))
        return -1;
    if (send_text(w, 0, "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") ||
        expect_response(w, 0, "GET /nope", 404, NULL, 0))
        return -1;
    if (send_text(w, 0, "DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") ||
        expect_response(w, 0, "DELETE /", 405, NULL, 0))
        return -1;
    if (send_text(w, 0, "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") ||
        expect_response(w, 0, "GET /index.html", 404, NULL, 0))
        return -1;
    /* If any Content-Length above was wrong, this response would come out garbled. */
    if (send_text(w, 0, GET_ROOT) ||
        expect_response(w, 0, "GET / after a 404, a 405 and a 404", 200, HELLO, 0))
        return -1;
    return 0;
}

static void not_found_and_wrong_method(void **state)
{
    (void)state;
    run_web(other_paths_and_methods);
}

static int three_then_close(struct web *w)
{
    if (open_conn(w, 0))
        return -1;
    for (int i = 0; i < 2; i++)
        if (send_text(w, 0, GET_ROOT) ||
            expect_response(w, 0, "GET / (kept alive)", 200, HELLO, 0))
            return -1;
    if (send_text(w, 0, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") ||
        expect_response(w, 0, "GET / with Connection: close", 200, HELLO, 1))
        return -1;
    return 0;
}

static void keep_alive_then_close(void **state)
{
    (void)state;
    run_web(three_then_close);
}

static int pipelines(struct web *w)
{
    if (open_conn(w, 0))
        return -1;
    /* Three requests in one write: three responses, in order. */
    if (send_text(w, 0, GET_ROOT "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n" GET_ROOT) ||
        expect_response(w, 0, "pipelined request 1 of 3 (GET /)", 200, HELLO, 0) ||
        expect_response(w, 0, "pipelined request 2 of 3 (GET /missing)", 404, NULL, 0) ||
        expect_response(w, 0, "pipelined request 3 of 3 (GET /)", 200, HELLO, 0))
        return -1;
    /* Ten more, the last asking to close. */
    char batch[2048] = "";
    for (int i = 0; i < 9; i++)
        strcat(batch, i % 3 == 1 ? "GET /x HTTP/1.1\r\nHost: x\r\n\r\n" : GET_ROOT);
    strcat(batch, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if (send_text(w, 0, batch))
        return -1;
    for (int i = 0; i < 10; i++) {
        char what[64];
        snprintf(what, sizeof what, "pipelined request %d of 10", i + 1);
        if (expect_response(w, 0, what, i % 3 == 1 && i < 9 ? 404 : 200,
                            i % 3 == 1 && i < 9 ? NULL : HELLO, i == 9))
            return -1;
    }
    return 0;
}

static void pipelined_in_order(void **state)
{
    (void)state;
    run_web(pipelines);
}

static int garbage(struct web *w)
{
    static const char *const bad[] = {
        "GARBAGE\r\n\r\n",
        "GET /\r\n\r\n",
        "GET / HTTP/1.1\r\nThis line has no colon\r\n\r\n",
        "GET / SMTP/1.0\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[96];
        snprintf(what, sizeof what, "the malformed request \"%.*s\"",
                 (int)strcspn(bad[i], "\r"), bad[i]);
        if (open_conn(w, 0) || send_text(w, 0, bad[i]) ||
            expect_response(w, 0, what, 400, NULL, 1))
            return -1;
    }
    /* A good request, then garbage on the same connection: 200, then 400 and close. */
    if (open_conn(w, 0) || send_text(w, 0, GET_ROOT "NONSENSE\r\n\r\n") ||
        expect_response(w, 0, "GET / before a malformed request", 200, HELLO, 0) ||
        expect_response(w, 0, "a malformed request after a good one", 400, NULL, 1))
        return -1;
    return 0;
}

static void malformed_gets_400(void **state)
{
    (void)state;
    run_web(garbage);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

enum { CROWD = 200, CROWD_REQUESTS = 5 };

struct visitor {
    struct web      *w;  /* for problems */
    unsigned short   port; /* the server's port */
    int              done; /* requests answered */
};

static int visit(void *arg)
{
    struct visitor *v = arg;
    struct net_lines *c = malloc(sizeof *c);
    if (!c)
        return -ENOMEM;
    c->len = 0;
    c->fd = net_connect(v->port, 0);
    if (c->fd < 0) {
        problem(v->w, "a client of the crowd could not connect: %s", strerror(-c->fd));
        free(c);
        return 0;
    }
    for (int i = 0; i < CROWD_REQUESTS; i++) {
        struct response r;
        if (cio_write(c->fd, GET_ROOT, strlen(GET_ROOT)) < 0 ||
            read_response(v->w, c, &r, "a crowd client's GET /") != 0)
            break;
        if (r.status != 200 || strcmp(r.body, HELLO) != 0) {
            problem(v->w, "a crowd client's GET / got %d \"%s\"", r.status, r.body);
            break;
        }
        v->done++;
    }
    close(c->fd);
    free(c);
    return 0;
}

static int crowd_and_dawdler(struct web *w)
{
    /* The dawdler sends half a request and waits. */
    if (open_conn(w, 0) || send_text(w, 0, "GET / HT"))
        return -1;
    cio_sleep(0.05);
    static struct visitor v[CROWD];
    cio_task *tasks[CROWD];
    for (size_t i = 0; i < CROWD; i++) {
        v[i] = (struct visitor){w, w->port, 0};
        tasks[i] = cio_spawn(visit, &v[i]);
    }
    cio_gather(tasks, CROWD);
    int done = 0;
    for (size_t i = 0; i < CROWD; i++)
        done += v[i].done;
    if (done != CROWD * CROWD_REQUESTS) {
        problem(w, "%d clients sent %d requests each while another client sat on half a "
                "request; %d of %d were answered", CROWD, CROWD_REQUESTS, done,
                CROWD * CROWD_REQUESTS);
        return -1;
    }
    if (send_text(w, 0, "TP/1.1\r\nHost: x\r\n\r\n") ||
        expect_response(w, 0, "the dawdler's GET /, finished at last", 200, HELLO, 0))
        return -1;
    return 0;
}

static void many_clients_and_a_slow_one(void **state)
{
    (void)state;
    net_need_files(2 * CROWD + 64);
    run_web(crowd_and_dawdler);
}

static int pieces_bodies_and_http10(struct web *w)
{
    /* A request dribbled in one byte at a time. */
    if (open_conn(w, 0))
        return -1;
    const char *req = GET_ROOT;
    for (size_t i = 0; req[i]; i++) {
        if (cio_write(w->c[0].fd, req + i, 1) != 1)
            return -1;
        cio_sleep(0.002);
    }
    if (expect_response(w, 0, "GET / sent one byte at a time", 200, HELLO, 0))
        return -1;
    /* A POST with a body: 405, and the body must not be read as the next request. */
    if (send_text(w, 0, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n"
                        "GET /evil HTTP/1.1\r\n") ||
        expect_response(w, 0, "POST / with a 20-byte body", 405, NULL, 0) ||
        send_text(w, 0, GET_ROOT) ||
        expect_response(w, 0, "GET / after a POST with a body", 200, HELLO, 0))
        return -1;
    /* HTTP/1.0 closes by default... */
    if (open_conn(w, 1) || send_text(w, 1, "GET / HTTP/1.0\r\n\r\n") ||
        expect_response(w, 1, "an HTTP/1.0 GET /", 200, HELLO, 1))
        return -1;
    /* ...unless it asks to keep the connection. */
    if (open_conn(w, 2) || send_text(w, 2, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") ||
        expect_response(w, 2, "an HTTP/1.0 GET / with Connection: keep-alive", 200, HELLO, 0) ||
        send_text(w, 2, "GET /nothing HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") ||
        expect_response(w, 2, "a second HTTP/1.0 keep-alive request", 404, NULL, 0))
        return -1;
    /* Connection: close in any case, among other tokens. */
    if (open_conn(w, 3) ||
        send_text(w, 3, "GET / HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, CLOSE\r\n\r\n") ||
        expect_response(w, 3, "GET / with \"connection: Upgrade, CLOSE\"", 200, HELLO, 1))
        return -1;
    return 0;
}

static void pieces_bodies_and_http10_requests(void **state)
{
    (void)state;
    run_web(pieces_bodies_and_http10);
}

static int oversized(struct web *w)
{
    /* 20 KiB of headers without an end: the server must not wait (or grow) forever. */
    if (open_conn(w, 0) || send_text(w, 0, "GET / HTTP/1.1\r\nHost: x\r\n"))
        return -1;
    char filler[1024];
    memset(filler, 'a', sizeof filler - 3);
    memcpy(filler, "X-Filler: ", 10);
    strcpy(filler + sizeof filler - 3, "\r\n");
    for (int i = 0; i < 20; i++)
        if (cio_write(w->c[0].fd, filler, strlen(filler)) < 0)
            break; /* the server may close before we are done */
    struct response r;
    if (read_response(w, &w->c[0], &r, "a request with 20 KiB of headers") != 0)
        return -1;
    if (r.status != 431 && r.status != 400) {
        problem(w, "a request with 20 KiB of headers: expected 431 (or 400), got %d", r.status);
        return -1;
    }
    /* Idle keep-alive connections left open on purpose: stop must close them. */
    if (open_conn(w, 1) || send_text(w, 1, GET_ROOT) ||
        expect_response(w, 1, "GET / (then left idle)", 200, HELLO, 0) ||
        open_conn(w, 2) || send_text(w, 2, GET_ROOT) ||
        expect_response(w, 2, "GET / (then left idle)", 200, HELLO, 0))
        return -1;
    close(w->c[0].fd);
    w->c[0].fd = -1;
    return 0;
}

static void oversized_headers_and_idle_at_stop(void **state)
{
    (void)state;
    run_web(oversized);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(get_root_says_hello),
    cmocka_unit_test(not_found_and_wrong_method),
    cmocka_unit_test(keep_alive_then_close),
    cmocka_unit_test(pipelined_in_order),
    cmocka_unit_test(malformed_gets_400),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(many_clients_and_a_slow_one),
    cmocka_unit_test(pieces_bodies_and_http10_requests),
    cmocka_unit_test(oversized_headers_and_idle_at_stop),
#endif
};

CIO_TEST_MAIN(tests)
