/*
 * ex3_bounded_render_test.c — tests for 05.3: rendering pages with at most `limit` in
 * flight. render_page() counts the renders in flight on the loop, and each render
 * charges its page's seconds with cio_block_for() in an executor job, so the tests know
 * exactly when every page must start and how long the whole run takes.
 */
#include "cio_test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
struct page;
int render_all(struct page **pages, size_t n, unsigned limit);

/* ---- The renderer ------------------------------------------------------------------------ */
#define MAXP   32
#define MB_PER 200  /* memory one render holds, in MB (for the messages) */

struct page {
    double seconds;  /* how long rendering it takes */
    int    result;   /* what rendering it returns: 0 or -errno */
    int    renders;  /* render_page() calls for it */
    double start;    /* when its render started */
    double end;      /* when it ended */
    int    rc;       /* what render_page() returned */
};

static int in_flight;     /* render_page() calls running now */
static int max_in_flight; /* the most at once */

static int render_job(void *p)
{
    struct page *pg = p;
    cio_block_for(pg->seconds);
    return pg->result;
}

int render_page(struct page *p)
{
    p->renders++;
    p->start = cio_now();
    if (++in_flight > max_in_flight) max_in_flight = in_flight;
    int rc = cio_to_thread(render_job, p);
    in_flight--;
    p->end = cio_now();
    p->rc = rc;
    return rc;
}

/* ---- Running one batch -------------------------------------------------------------- */
struct batch {
    struct page pages[MAXP]; /* the pages */
    size_t      n;           /* how many */
    unsigned    limit;       /* passed to render_all() */
    double      cancel_at;   /* > 0: cancel render_all() at this time */
    int         rc;          /* what it returned */
    double      ended;       /* when */
};

static int batch_task(void *p)
{
    struct batch *b = p;
    struct page *ptrs[MAXP];
    for (size_t i = 0; i < b->n; i++) ptrs[i] = &b->pages[i];
    b->rc = render_all(ptrs, b->n, b->limit);
    b->ended = cio_now();
    return 0;
}

static int batch_main(void *p)
{
    struct batch *b = p;
    cio_task *t = cio_spawn(batch_task, b);
    if (b->cancel_at > 0) {
        cio_sleep(b->cancel_at);
        cio_cancel(t);
    }
    return cio_await(t);
}

static void render(struct batch *b, size_t n, unsigned limit, const double *seconds)
{
    b->n = n, b->limit = limit;
    for (size_t i = 0; i < n; i++) b->pages[i].seconds = seconds ? seconds[i] : 1.0;
    in_flight = max_in_flight = 0;
    b->rc = 12345;
    cio_config cfg = {.executor_threads = 16};
    int run_rc = cio_test_run_with(batch_main, b, &cfg);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    cio_expect(max_in_flight <= (int)limit, "%d pages were rendered at the same time (%d MB), "
               "the limit is %u (%u MB)", max_in_flight, max_in_flight * MB_PER, limit,
               limit * MB_PER);
    for (size_t i = 0; i < n; i++)
        cio_expect(b->pages[i].renders <= 1, "page %zu was rendered %d times", i,
                   b->pages[i].renders);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were left pending", (unsigned long long)st->tasks_pending_at_exit);
    cio_expect(st->objects_live == 0, "%llu semaphore(s) or other object(s) were never freed",
               (unsigned long long)st->objects_live);
}

static void expect_all_rendered(struct batch *b, double total)
{
    for (size_t i = 0; i < b->n; i++)
        cio_expect(b->pages[i].renders == 1, "page %zu was never rendered", i);
    int want_max = b->n < b->limit ? (int)b->n : (int)b->limit;
    cio_expect(max_in_flight == want_max, "at most %d page(s) were in flight at once, expected %d: "
               "with %zu pages and a limit of %u, keep %d rendering whenever pages are left",
               max_in_flight, want_max, b->n, b->limit, want_max);
    cio_expect(cio_time_eq(b->ended, total), "render_all() took %.3f s of loop time, expected "
               "%.3f s", b->ended, total);
}

static void expect_start(struct batch *b, size_t i, double at)
{
    cio_expect(cio_time_eq(b->pages[i].start, at), "page %zu started at %.3f s, expected %.3f s "
               "(as soon as a slot was free, pages in order)", i, b->pages[i].start, at);
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* Twelve pages, limit 3: exactly three at a time, four rounds of 1 s. */
static void never_more_than_limit(void **state)
{
    (void)state;
    static struct batch b;
    memset(&b, 0, sizeof b);
    render(&b, 12, 3, NULL);
    cio_expect(b.rc == 0, "render_all() returned %d, expected 0", b.rc);
    expect_all_rendered(&b, 4.0);
}

/* Ten pages of 0.5 s, limit 4: ceil(10/4) = 3 rounds, 1.5 s; page i starts at round i/4. */
static void total_time_is_exact(void **state)
{
    (void)state;
    static struct batch b;
    memset(&b, 0, sizeof b);
    double secs[10];
    for (int i = 0; i < 10; i++) secs[i] = 0.5;
    render(&b, 10, 4, secs);
    expect_all_rendered(&b, 1.5);
    for (size_t i = 0; i < 10; i++) expect_start(&b, i, 0.5 * (double)(i / 4));
}

/* Uneven pages 3, 1, 1, 1, 2 s with limit 2: each freed slot is refilled at once. */
static void slots_refill_at_once(void **state)
{
    (void)state;
    static struct batch b;
    memset(&b, 0, sizeof b);
    static const double secs[] = {3, 1, 1, 1, 2};
    render(&b, 5, 2, secs);
    static const double starts[] = {0, 0, 1, 2, 3};
    for (size_t i = 0; i < 5; i++) expect_start(&b, i, starts[i]);
    expect_all_rendered(&b, 5.0);
}

#ifdef CIO_HIDDEN_TESTS
/* A limit above the number of pages: all at once. A limit of 0: -EINVAL. */
static void limit_larger_than_n(void **state)
{
    (void)state;
    static struct batch b;
    memset(&b, 0, sizeof b);
    render(&b, 3, 10, NULL);
    expect_all_rendered(&b, 1.0);
    memset(&b, 0, sizeof b);
    render(&b, 3, 0, NULL);
    cio_expect(b.rc == -EINVAL, "render_all(limit 0) returned %d, expected -EINVAL", b.rc);
}

/* Cancelled at 1.5 s: the renders in flight stop, no new page starts. */
static void cancel_stops_everything(void **state)
{
    (void)state;
    static struct batch b;
    memset(&b, 0, sizeof b);
    b.cancel_at = 1.5;
    render(&b, 12, 3, NULL);
    cio_expect(b.rc == -ECANCELED, "render_all() returned %d after being cancelled, expected "
               "-ECANCELED", b.rc);
    cio_expect(cio_time_eq(b.ended, 1.5), "render_all() returned at %.3f s, expected 1.500 s (at "
               "once when cancelled)", b.ended);
    for (size_t i = 0; i < 6; i++)
        cio_expect(b.pages[i].renders == 1, "page %zu was not rendered (it should have started "
                   "before the cancellation)", i);
    for (size_t i = 6; i < 12; i++)
        cio_expect(b.pages[i].renders == 0, "page %zu started at %.3f s, after render_all() was "
                   "cancelled at 1.5 s", i, b.pages[i].start);
    for (size_t i = 3; i < 6; i++)
        cio_expect(b.pages[i].rc == -ECANCELED, "page %zu's render returned %d, expected it "
                   "cancelled", i, b.pages[i].rc);
}

/* Pages 1 and 4 fail: every page is still rendered; page 1's error comes back. */
static void first_error_in_page_order(void **state)
{
    (void)state;
    static struct batch b;
    memset(&b, 0, sizeof b);
    b.pages[4].result = -EIO;
    b.pages[1].result = -EINVAL;
    render(&b, 6, 2, NULL);
    cio_expect(b.rc == -EINVAL, "render_all() returned %d, expected %d (-EINVAL, the error of "
               "page 1, the first failing page in page order)", b.rc, -EINVAL);
    expect_all_rendered(&b, 3.0);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(never_more_than_limit),
    cmocka_unit_test(total_time_is_exact),
    cmocka_unit_test(slots_refill_at_once),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(limit_larger_than_n),
    cmocka_unit_test(cancel_stops_everything),
    cmocka_unit_test(first_error_in_page_order),
#endif
};
CIO_TEST_MAIN(tests)
