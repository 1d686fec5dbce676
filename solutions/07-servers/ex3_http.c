/*
 * ex3_http.c — reference solution of exercise 07.3: a small HTTP/1.1 server.
 *
 * The shape is the echo server's (an acceptor task, one task per connection in a group,
 * a stop event); what a connection does is new. It reads into a buffer, answers every
 * complete request in the buffer (pipelining), in order, into one output buffer, writes
 * that with a single cio_write, and reads again. The parser is deliberately small and
 * strict: it checks what the tests and real clients (curl, wrk) rely on, and answers 400
 * to anything it cannot read. The benchmarks in bench/ link this file.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum {
    IN_CAP     = 16384,     /* the connection's input buffer */
    MAX_HEADER = 8192,      /* the longest request line + headers; more gets 431 */
    MAX_BODY   = 1 << 20,   /* request bodies (read and dropped) up to this; more gets 413 */
    OUT_CAP    = 16384,     /* responses are gathered here and written together */
};

static const char HELLO[] = "Hello, world!\n";

/* What the parser found in one request. */
struct request {
    size_t header_len; /* bytes of the request line and headers, blank line included */
    int    status;     /* the status to answer: 200, 404, 405, or an error status */
    int    keep_alive; /* 1: the connection stays open after the response */
    size_t body_len;   /* Content-Length: body bytes that follow, to skip */
    int    http10;     /* 1 for an HTTP/1.0 request (keep-alive must then be said) */
};

/* ---------------------------------------------------------------------------------- */
/* Parsing                                                                            */
/* ---------------------------------------------------------------------------------- */

/* RFC 9110 token characters (method and header names). */
static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The next line of [p, end): sets *len (without CR LF) and returns the start of the
   line after it, or NULL if no complete line is there yet. A bare LF ends a line too. */
static const char *next_line(const char *p, const char *end, size_t *len)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return NULL;
    *len = (size_t)(nl - p) - (nl > p && nl[-1] == '\r');
    return nl + 1;
}

/* Does the comma-separated list in [v, v+n) contain @p token (case-insensitive)? */
static int list_has(const char *v, size_t n, const char *token)
{
    size_t tlen = strlen(token);
    for (size_t i = 0; i < n;) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < n && v[i] != ',')
            i++;
        size_t stop = i;
        while (stop > start && (v[stop - 1] == ' ' || v[stop - 1] == '\t'))
            stop--;
        if (stop - start == tlen && strncasecmp(v + start, token, tlen) == 0)
            return 1;
    }
    return 0;
}

/*
 * Parse the request at the start of [buf, buf+len).
 * @return 1 with *r filled when a whole request head is there; 0 if more bytes are
 *         needed; -1 if it is malformed or too big (r->status says which; answer, close).
 */
static int parse_request(const char *buf, size_t len, struct request *r)
{
    const char *p = buf, *end = buf + len, *line;
    size_t n;
    *r = (struct request){0, 400, 0, 0, 0};
    if (!(line = p, p = next_line(p, end, &n)))
        return len >= MAX_HEADER ? (r->status = 431, -1) : 0;

    /* Request line: METHOD SP target SP HTTP/1.x */
    const char *sp1 = memchr(line, ' ', n);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line)) : NULL;
    if (!sp1 || !sp2 || sp1 == line || sp2 == sp1 + 1 || sp1[1] != '/')
        return -1;
    for (const char *c = line; c < sp1; c++)
        if (!is_tchar((unsigned char)*c))
            return -1;
    for (const char *c = sp1 + 1; c < sp2; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return -1;
    size_t vlen = n - (size_t)(sp2 + 1 - line);
    const char *version = sp2 + 1;
    int minor;
    if (vlen == 8 && memcmp(version, "HTTP/1.1", 8) == 0)
        minor = 1;
    else if (vlen == 8 && memcmp(version, "HTTP/1.0", 8) == 0)
        minor = 0;
    else
        return -1;
    int is_get = sp1 - line == 3 && memcmp(line, "GET", 3) == 0;
    size_t path_len = (size_t)(sp2 - (sp1 + 1));
    const char *q = memchr(sp1 + 1, '?', path_len);
    if (q)
        path_len = (size_t)(q - (sp1 + 1));
    int is_root = path_len == 1;

    /* Headers, up to the blank line. */
    int conn_close = 0, conn_keep = 0, have_length = 0;
    size_t length = 0;
    for (;;) {
        if (!(line = p, p = next_line(p, end, &n)))
            return len >= MAX_HEADER ? (r->status = 431, -1) : 0;
        if (n == 0)
            break;
        const char *colon = memchr(line, ':', n);
        if (!colon || colon == line)
            return -1;
        for (const char *c = line; c < colon; c++)
            if (!is_tchar((unsigned char)*c))
                return -1;
        size_t name_len = (size_t)(colon - line);
        const char *v = colon + 1, *vend = line + n;
        while (v < vend && (*v == ' ' || *v == '\t'))
            v++;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        size_t v_len = (size_t)(vend - v);
        if (name_len == 10 && strncasecmp(line, "Connection", 10) == 0) {
            conn_close |= list_has(v, v_len, "close");
            conn_keep |= list_has(v, v_len, "keep-alive");
        } else if (name_len == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
            size_t value = 0;
            if (v_len == 0 || v_len > 9)
                return v_len > 9 ? (r->status = 413, -1) : -1;
            for (const char *c = v; c < vend; c++) {
                if (*c < '0' || *c > '9')
                    return -1;
                value = value * 10 + (size_t)(*c - '0');
            }
            if (have_length && value != length)
                return -1; /* two different lengths: the message cannot be framed */
            have_length = 1;
            length = value;
        } else if (name_len == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
            r->status = 501; /* chunked request bodies are not supported: cannot frame it */
            return -1;
        }
    }
    if (length > MAX_BODY) {
        r->status = 413;
        return -1;
    }
    r->header_len = (size_t)(p - buf);
    r->body_len = length;
    r->keep_alive = minor == 1 ? !conn_close : conn_keep && !conn_close;
    r->http10 = minor == 0;
    r->status = !is_get ? 405 : is_root ? 200 : 404;
    return 1;
}

/* ---------------------------------------------------------------------------------- */
/* Responses                                                                          */
/* ---------------------------------------------------------------------------------- */

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default:  return "Bad Request";
    }
}

/* Append the response for @p status to out. @return bytes appended (0 if no room). */
static size_t respond(char *out, size_t room, int status, int keep_alive, int http10_keep)
{
    char body[64];
    const char *text = HELLO;
    if (status != 200) {
        snprintf(body, sizeof body, "%s\n", reason(status));
        text = body;
    }
    int n = snprintf(out, room,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: text/plain\r\n"
                     "Content-Length: %zu\r\n"
                     "%s%s"
                     "\r\n"
                     "%s",
                     status, reason(status), strlen(text),
                     status == 405 ? "Allow: GET\r\n" : "",
                     !keep_alive ? "Connection: close\r\n"
                                 : http10_keep ? "Connection: keep-alive\r\n" : "",
                     text);
    return n > 0 && (size_t)n < room ? (size_t)n : 0;
}

/* ---------------------------------------------------------------------------------- */
/* One connection                                                                     */
/* ---------------------------------------------------------------------------------- */

static int serve_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char in[IN_CAP], out[OUT_CAP];
    size_t have = 0;      /* bytes in `in` */
    size_t skip = 0;      /* body bytes of the last request still to drop */
    int open = 1;
    while (open) {
        /* Answer every complete request already here, in order. */
        size_t pos = 0, out_len = 0;
        for (;;) {
            size_t drop = skip < have - pos ? skip : have - pos;
            pos += drop;
            skip -= drop;
            if (skip)
                break;
            struct request r;
            int got = parse_request(in + pos, have - pos, &r);
            if (got == 0)
                break;
            if (OUT_CAP - out_len < 512) { /* room for one more response, or flush */
                if (cio_write(fd, out, out_len) < 0) {
                    open = 0;
                    break;
                }
                out_len = 0;
            }
            if (got < 0)
                r.keep_alive = 0; /* an error: answer it, then close */
            out_len += respond(out + out_len, OUT_CAP - out_len, r.status, r.keep_alive,
                               r.http10 && r.keep_alive);
            if (!r.keep_alive) {
                open = 0; /* answer, then close: nothing after this request is read */
                break;
            }
            pos += r.header_len;
            skip = r.body_len;
        }
        memmove(in, in + pos, have - pos);
        have -= pos;
        if (out_len && cio_write(fd, out, out_len) < 0)
            break;
        if (!open)
            break;
        ssize_t n = cio_read(fd, in + have, sizeof in - have);
        if (n <= 0)
            break; /* the client left (or the server stops: -ECANCELED) */
        have += (size_t)n;
    }
    close(fd);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Accepting and stopping: as in the echo server                                      */
/* ---------------------------------------------------------------------------------- */

struct acceptor {
    int        listen_fd;   /* the caller's listening socket */
    cio_group *connections; /* every connection task lives here */
};

static int accept_loop(void *arg)
{
    struct acceptor *a = arg;
    for (;;) {
        int fd = cio_accept(a->listen_fd);
        if (fd == -ECANCELED)
            return 0;
        if (fd < 0) {
            if (cio_sleep(0.01) == -ECANCELED)
                return 0;
            continue;
        }
        if (cio_group_spawn(a->connections, serve_connection, (void *)(intptr_t)fd) != 0)
            close(fd);
    }
}

int http_serve(int listen_fd, cio_event *stop)
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
    int rc = cio_event_wait(stop);
    cio_cancel(acceptor);
    cio_await(acceptor);
    cio_group_cancel(connections); /* idle keep-alive connections are closed too */
    int grc = cio_group_wait(connections);
    return rc == -ECANCELED || grc == -ECANCELED ? -ECANCELED : 0;
}
