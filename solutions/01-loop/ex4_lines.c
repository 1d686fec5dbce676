/*
 * ex4_lines.c — exercise 01.4 (reference solution): read lines from a pipe as they
 * arrive, with a reader callback (asyncio's loop.add_reader()).
 *
 * The loop calls on_readable() whenever the pipe has bytes; it reads what is there
 * without blocking, hands over every complete line, and keeps the unfinished tail.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct line_reader {
    int    fd;                                               /* the pipe's read end (set by the caller) */
    void (*on_line)(struct line_reader *r, const char *line); /* the caller's: one complete line, no '\n' */
    void (*on_eof)(struct line_reader *r);                   /* the caller's: once, at end of file */
    void  *user;                                             /* the caller's; leave it alone */
    char  *buf;                                              /* yours: bytes read, not yet delivered (malloc'd) */
    size_t len;                                              /* yours: bytes in buf */
    size_t cap;                                              /* yours: bytes allocated for buf */
};

int line_reader_start(struct line_reader *r);

/* Append n bytes to r->buf, growing it; 0 or -ENOMEM. One spare byte for the '\0'. */
static int buf_append(struct line_reader *r, const char *data, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (r->len + n + 1 > cap) cap *= 2;
        char *nb = realloc(r->buf, cap);
        if (!nb) return -ENOMEM;
        r->buf = nb;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
    return 0;
}

/* Hand over every complete line in the buffer and keep the unfinished rest. */
static void deliver_lines(struct line_reader *r)
{
    size_t start = 0;
    char *nl;
    while ((nl = memchr(r->buf + start, '\n', r->len - start)) != NULL) {
        *nl = '\0';
        r->on_line(r, r->buf + start);
        start = (size_t)(nl - r->buf) + 1;
    }
    memmove(r->buf, r->buf + start, r->len - start);
    r->len -= start;
}

static void finish(struct line_reader *r)
{
    cio_remove_reader(r->fd);
    if (r->len > 0) { /* a last line without '\n' is still a line */
        r->buf[r->len] = '\0';
        r->on_line(r, r->buf);
    }
    free(r->buf);
    r->buf = NULL;
    r->len = r->cap = 0;
    r->on_eof(r);
}

static void on_readable(void *arg)
{
    struct line_reader *r = arg;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(r->fd, chunk, sizeof chunk);
        if (n > 0) {
            if (buf_append(r, chunk, (size_t)n) < 0) break; /* out of memory: end the stream */
            deliver_lines(r);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return; /* drained: wait again */
        break; /* 0: end of file; another error ends the stream too */
    }
    finish(r);
}

int line_reader_start(struct line_reader *r)
{
    r->buf = NULL;
    r->len = r->cap = 0;
    return cio_add_reader(r->fd, on_readable, r);
}
