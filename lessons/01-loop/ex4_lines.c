/*
 * ex4_lines.c — exercise 01.4: read lines from a pipe as they arrive.
 *
 * Write line_reader_start(). It asks the loop to call on_readable() whenever r->fd (the
 * read end of a pipe) has bytes to read: cio_add_reader(), which also makes the fd
 * non-blocking. Then, as bytes arrive in pieces of any size:
 *   - call r->on_line(r, line) for each complete line, as soon as its '\n' has arrived,
 *     with the line as a C string without the '\n' (an empty line is "");
 *   - keep an unfinished line until the rest of it arrives (lines may be long: grow the
 *     buffer with realloc);
 *   - at end of file (read() returns 0), or on a read error other than EAGAIN: deliver a
 *     last line that had no '\n', stop watching the fd (cio_remove_reader), free your
 *     buffer, and call r->on_eof(r) once. The fd stays open: it is the caller's.
 * Return cio_add_reader()'s result: 0, or a negative errno.
 *
 * Never wait for more bytes inside on_readable(): read what is there (read() says
 * EAGAIN when the pipe is empty) and return to the loop, which calls you again.
 *
 * Check it:  build/cio-grade check 01.4      A hint:  build/cio-grade hint 01.4
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

/* The loop calls this whenever r->fd has something to read (or has reached its end). */
static void on_readable(void *arg)
{
    struct line_reader *r = arg;
    /* TODO: read() what is there into r->buf, hand over each complete line, keep the rest;
     * on end of file, finish as the comment at the top says. */
    (void)r;
}

int line_reader_start(struct line_reader *r)
{
    /* TODO: start with an empty buffer and register on_readable for r->fd. */
    (void)r;
    (void)on_readable;
    return -ENOSYS;
}
