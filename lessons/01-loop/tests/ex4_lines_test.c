/*
 * ex4_lines_test.c — tests for exercise 01.4 (line_reader_start): lines arrive whole,
 * each as soon as its '\n' was written, end of file is reported once and the reader is
 * removed. The test's main task writes to a real pipe in pieces, sleeping in between.
 */
#include "cio_test.h"

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

/* ---- what the test writes and what it saw ---------------------------------------- */

enum { MAX_LINES = 16, MAX_PIECES = 8 };

struct piece {
    double      after; /* seconds to sleep before writing it */
    const char *data;  /* bytes to write; NULL: close the write end */
    size_t      len;   /* 0: strlen(data) */
};

struct scene {
    struct piece pieces[MAX_PIECES];  /* what to write, in order */
    struct line_reader r;             /* the reader under test */
    int          rc;                  /* line_reader_start()'s result */
    double       t0;                  /* loop time when writing started */
    char        *lines[MAX_LINES];    /* copies of the lines received */
    double       line_at[MAX_LINES];  /* when each came, relative to t0 */
    int          nlines;              /* how many lines came */
    int          eofs;                /* how many on_eof calls came */
    double       eof_at;              /* when the first came, relative to t0 */
    int          lines_at_eof;        /* lines received before on_eof */
    int          still_watched;       /* 1 if the fd still had a reader after on_eof */
};

static void on_line(struct line_reader *r, const char *line)
{
    struct scene *s = r->user;
    if (s->nlines < MAX_LINES) {
        s->lines[s->nlines] = strdup(line);
        s->line_at[s->nlines] = cio_now() - s->t0;
    }
    s->nlines++;
}

static void on_eof(struct line_reader *r)
{
    struct scene *s = r->user;
    if (!s->eofs++) {
        s->eof_at = cio_now() - s->t0;
        s->lines_at_eof = s->nlines;
    }
}

static int scene_main(void *arg)
{
    struct scene *s = arg;
    int fds[2];
    if (pipe(fds) < 0) return -errno;
    s->r.fd = fds[0];
    s->r.on_line = on_line;
    s->r.on_eof = on_eof;
    s->r.user = s;
    s->t0 = cio_now();
    s->rc = line_reader_start(&s->r);
    int wfd = fds[1];
    if (s->rc != 0) { /* nobody reads: writing could only fill the pipe */
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    for (int i = 0; i < MAX_PIECES && (s->pieces[i].data || s->pieces[i].after > 0); i++) {
        const struct piece *p = &s->pieces[i];
        if (p->after > 0) cio_sleep(p->after);
        if (!p->data) {
            close(wfd);
            wfd = -1;
            break;
        }
        size_t n = p->len ? p->len : strlen(p->data);
        assert_int_equal(cio_write(wfd, p->data, n), (ssize_t)n);
    }
    if (wfd >= 0) close(wfd);
    cio_sleep(5.0); /* time for the reader to see everything */
    s->still_watched = cio_remove_reader(fds[0]) == 0;
    close(fds[0]);
    return 0;
}

static void run_scene(struct scene *s)
{
    assert_int_equal(cio_test_run(scene_main, s), 0);
    cio_expect(s->rc == 0, "line_reader_start() returned %d (%s), expected 0", s->rc,
               s->rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
}

static void scene_free(struct scene *s)
{
    for (int i = 0; i < s->nlines && i < MAX_LINES; i++) free(s->lines[i]);
}

static void expect_lines(const struct scene *s, const char *const *want, int n)
{
    cio_expect(s->nlines == n, "%d line(s) came, expected %d", s->nlines, n);
    for (int i = 0; i < n; i++)
        cio_expect(strcmp(s->lines[i], want[i]) == 0, "line %d was \"%.40s\"%s, expected "
                   "\"%.40s\"%s", i + 1, s->lines[i], strlen(s->lines[i]) > 40 ? "..." : "",
                   want[i], strlen(want[i]) > 40 ? "..." : "");
}

/* "hel" at 0, "lo\nwor" at 0.5, "ld\n" at 1.0, closed at 1.5. */
static void hello_world(struct scene *s)
{
    memset(s, 0, sizeof *s);
    s->pieces[0] = (struct piece){0, "hel", 0};
    s->pieces[1] = (struct piece){0.5, "lo\nwor", 0};
    s->pieces[2] = (struct piece){0.5, "ld\n", 0};
    s->pieces[3] = (struct piece){0.5, NULL, 0};
}

/* ---- the tests ------------------------------------------------------------------- */

static void lines_arrive_whole(void **state)
{
    (void)state;
    struct scene s;
    hello_world(&s);
    run_scene(&s);
    const char *want[] = {"hello", "world"};
    expect_lines(&s, want, 2);
    scene_free(&s);
}

static void each_line_as_its_newline_arrives(void **state)
{
    (void)state;
    struct scene s;
    hello_world(&s);
    run_scene(&s);
    const char *want[] = {"hello", "world"};
    expect_lines(&s, want, 2);
    const double when[] = {0.5, 1.0};
    for (int i = 0; i < 2; i++)
        cio_expect(cio_time_eq(s.line_at[i], when[i]),
                   "\"%s\" came at t0 + %.3f s; its '\\n' was written at t0 + %.3f s and the "
                   "line should be delivered then", s.lines[i], s.line_at[i], when[i]);
    scene_free(&s);
}

static void eof_once_and_reader_removed(void **state)
{
    (void)state;
    struct scene s;
    hello_world(&s);
    run_scene(&s);
    cio_expect(s.eofs == 1, "on_eof was called %d times, expected once%s", s.eofs,
               s.eofs > 1 ? ": at end of file the fd stays readable for ever, so the loop "
                            "keeps calling you until you cio_remove_reader() it" : "");
    cio_expect(s.lines_at_eof == 2, "on_eof came after %d line(s), expected after both lines",
               s.lines_at_eof);
    cio_expect(cio_time_eq(s.eof_at, 1.5), "on_eof came at t0 + %.3f s; the pipe was closed "
               "at t0 + 1.500 s", s.eof_at);
    cio_expect(!s.still_watched, "the fd still had a reader after end of file: call "
               "cio_remove_reader(), or the loop keeps calling you for ever");
    scene_free(&s);
}

/* A long silence between two halves of a line: nothing may be delivered early. */
static void half_a_line_waits(void **state)
{
    (void)state;
    struct scene s;
    memset(&s, 0, sizeof s);
    s.pieces[0] = (struct piece){0, "first half, ", 0};
    s.pieces[1] = (struct piece){3.0, "second half\nnext", 0};
    s.pieces[2] = (struct piece){1.0, " line\n", 0};
    s.pieces[3] = (struct piece){1.0, NULL, 0};
    run_scene(&s);
    const char *want[] = {"first half, second half", "next line"};
    expect_lines(&s, want, 2);
    cio_expect(cio_time_eq(s.line_at[0], 3.0) && cio_time_eq(s.line_at[1], 4.0),
               "the lines came at t0 + %.3f s and t0 + %.3f s, expected 3.000 s and 4.000 s",
               s.line_at[0], s.line_at[1]);
    scene_free(&s);
}

#ifdef CIO_HIDDEN_TESTS
static void last_line_without_newline(void **state)
{
    (void)state;
    struct scene s;
    memset(&s, 0, sizeof s);
    s.pieces[0] = (struct piece){0, "alpha\nbeta", 0};
    s.pieces[1] = (struct piece){1.0, NULL, 0};
    run_scene(&s);
    const char *want[] = {"alpha", "beta"};
    expect_lines(&s, want, 2);
    cio_expect(s.eofs == 1 && s.lines_at_eof == 2, "on_eof was called %d times, after %d "
               "line(s); expected once, after the unfinished last line \"beta\"", s.eofs,
               s.lines_at_eof);
    scene_free(&s);
}

/* Several lines, an empty one among them, in one write; then a line longer than a pipe. */
static void many_lines_and_a_long_one(void **state)
{
    (void)state;
    enum { LONG = 200000 };
    char *big = malloc(LONG + 1);
    assert_non_null(big);
    memset(big, 'x', LONG);
    big[LONG] = '\n';
    struct scene s;
    memset(&s, 0, sizeof s);
    s.pieces[0] = (struct piece){0, "one\n\nthree\n", 0};
    s.pieces[1] = (struct piece){0.5, big, LONG + 1};
    s.pieces[2] = (struct piece){0.5, NULL, 0};
    run_scene(&s);
    cio_expect(s.nlines == 4, "%d line(s) came, expected 4: \"one\", \"\", \"three\" and a "
               "line of %d bytes", s.nlines, LONG);
    const char *want[] = {"one", "", "three"};
    for (int i = 0; i < 3; i++)
        cio_expect(strcmp(s.lines[i], want[i]) == 0, "line %d was \"%.40s\", expected \"%s\"",
                   i + 1, s.lines[i], want[i]);
    cio_expect(strlen(s.lines[3]) == LONG, "the long line came with %zu bytes, expected %d",
               strlen(s.lines[3]), LONG);
    scene_free(&s);
    free(big);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(lines_arrive_whole),
    cmocka_unit_test(each_line_as_its_newline_arrives),
    cmocka_unit_test(eof_once_and_reader_removed),
    cmocka_unit_test(half_a_line_waits),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(last_line_without_newline),
    cmocka_unit_test(many_lines_and_a_long_one),
#endif
};
CIO_TEST_MAIN(tests)
