/*
 * ex2_limit_test.c — tests of exercise 06.2 (fetch_all_limited): the fetches overlap,
 * never more than `limit` run at once, a finished fetch makes room at once, failures
 * give their slot back, and nothing is left behind.
 *
 * The fetches are simulated with cio_sleep under the virtual clock, so times are exact.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

/* ---- The learner's side (keep in step with ex2_limit.c) -------------------------- */

typedef int (*fetch_fn)(void *ctx, size_t i);
int fetch_all_limited(fetch_fn fetch, void *ctx, size_t n, unsigned limit, int *status);

/* ---- A simulated server ------------------------------------------------------------ */

enum { MAX_ITEMS = 64 };

struct server {
    double   seconds[MAX_ITEMS]; /* how long fetching item i takes */
    int      result[MAX_ITEMS];  /* what fetching item i returns */
    unsigned calls[MAX_ITEMS];   /* how many times item i was fetched */
    unsigned in_flight;          /* fetches running now */
    unsigned max_in_flight;      /* the most that ran at once */
};

static int fetch(void *ctx, size_t i)
{
    struct server *s = ctx;
    s->calls[i]++;
    if (++s->in_flight > s->max_in_flight)
        s->max_in_flight = s->in_flight;
    int rc = cio_sleep(s->seconds[i]);
    s->in_flight--;
    return rc ? rc : s->result[i];
}

struct call {
    struct server *server;            /* the simulated server */
    size_t         n;                 /* items to fetch */
    unsigned       limit;             /* at most this many at once */
    int            status[MAX_ITEMS]; /* filled by fetch_all_limited */
    int            rc;                /* what fetch_all_limited returned */
};

static int call_main(void *arg)
{
    struct call *c = arg;
    for (size_t i = 0; i < c->n; i++)
        c->status[i] = 12345; /* so that a status never written shows */
    c->rc = fetch_all_limited(fetch, c->server, c->n, c->limit, c->status);
    return 0;
}

/* Run it; check the run, that every item was fetched once and nothing was left over. */
static void run_call(struct call *c)
{
    int rc = cio_test_run(call_main, c);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0,
               "%llu task(s) were still running when fetch_all_limited returned: await or "
               "gather every task you spawn", (unsigned long long)st->tasks_pending_at_exit);
    cio_expect(st->objects_live == 0,
               "%llu semaphore/lock/queue object(s) were never freed",
               (unsigned long long)st->objects_live);
    for (size_t i = 0; i < c->n; i++)
        cio_expect(c->server->calls[i] == 1, "item %zu was fetched %u times; expected once", i,
                   c->server->calls[i]);
}

/* ---- Visible cases ---------------------------------------------------------------- */

static void never_more_than_limit(void **state)
{
    (void)state;
    struct server s = {0};
    for (size_t i = 0; i < 20; i++)
        s.seconds[i] = 1.0;
    struct call c = {.server = &s, .n = 20, .limit = 4};
    run_call(&c);
    cio_expect(s.max_in_flight <= 4,
               "%u fetches ran at the same time; the limit is 4", s.max_in_flight);
    cio_expect(s.max_in_flight == 4,
               "at most %u fetch(es) ran at once; with 20 to do and a limit of 4, four should "
               "run side by side", s.max_in_flight);
    cio_expect(c.rc == 0, "every fetch succeeded, but fetch_all_limited returned %d", c.rc);
}

static void total_time_is_exact(void **state)
{
    (void)state;
    struct server s = {0};
    for (size_t i = 0; i < 10; i++)
        s.seconds[i] = 1.0;
    struct call c = {.server = &s, .n = 10, .limit = 3};
    run_call(&c);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 4.0),
               "10 fetches of 1.0 s, 3 at a time, took %.1f s of loop time; expected 4.0 s "
               "(3 + 3 + 3 + 1: four rounds)%s", took,
               took > 9.9 ? ". They ran one after another." : "");
    for (size_t i = 0; i < 10; i++)
        cio_expect(c.status[i] == 0, "status[%zu] is %d; the fetch returned 0", i, c.status[i]);
}

/* One long fetch and five short ones, two at a time: 4.0 s only if a freed slot is used
   at once; waiting for the whole pair to finish (batches of 2) takes 5.0 s. */
static void freed_slot_is_reused_at_once(void **state)
{
    (void)state;
    struct server s = {.seconds = {3.0, 1.0, 1.0, 1.0, 1.0, 1.0}};
    struct call c = {.server = &s, .n = 6, .limit = 2};
    run_call(&c);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 4.0),
               "fetches of 3, 1, 1, 1, 1, 1 s, two at a time, took %.1f s; expected 4.0 s: "
               "while the 3 s fetch runs, the other slot should fetch the short ones one "
               "after another.%s", took,
               cio_time_eq(took, 5.0) ? " 5.0 s means you waited for a whole batch before "
                                        "starting the next." : "");
    cio_expect(s.max_in_flight == 2, "at most %u fetch(es) ran at once; expected 2",
               s.max_in_flight);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

static void failures_release_their_slot(void **state)
{
    (void)state;
    struct server s = {0};
    for (size_t i = 0; i < 9; i++) {
        s.seconds[i] = 1.0;
        s.result[i] = i % 3 == 1 ? -EIO : 0;
    }
    s.result[5] = -ETIMEDOUT;
    struct call c = {.server = &s, .n = 9, .limit = 3};
    run_call(&c);
    cio_expect(c.rc == -EIO,
               "fetches 1, 4 and 7 failed with -EIO and fetch 5 with -ETIMEDOUT; the first "
               "error in index order is -EIO, but fetch_all_limited returned %d", c.rc);
    for (size_t i = 0; i < 9; i++)
        cio_expect(c.status[i] == s.result[i], "status[%zu] is %d; the fetch returned %d", i,
                   c.status[i], s.result[i]);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 3.0),
               "9 fetches of 1.0 s, 3 at a time, some failing, took %.1f s; expected 3.0 s. "
               "Does a failed fetch give its permit back?", took);
    cio_expect(s.max_in_flight == 3, "at most %u ran at once; expected 3", s.max_in_flight);
}

static void small_jobs_and_bad_limit(void **state)
{
    (void)state;
    struct server s = {.seconds = {0.5, 2.0, 1.5, 0.25, 1.0}};
    struct call c = {.server = &s, .n = 5, .limit = 10};
    run_call(&c);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 2.0),
               "5 fetches (0.5, 2.0, 1.5, 0.25, 1.0 s) with a limit of 10 took %.2f s; "
               "expected 2.00 s, the slowest one", took);
    cio_expect(cio_test_stats()->tasks_live == 0, "%llu task(s) were never freed",
               (unsigned long long)cio_test_stats()->tasks_live);

    struct server none = {0};
    struct call zero = {.server = &none, .n = 3, .limit = 0};
    int rc = cio_test_run(call_main, &zero);
    cio_expect(rc == 0 && zero.rc == -EINVAL,
               "fetch_all_limited with a limit of 0 returned %d; expected -EINVAL", zero.rc);
    cio_expect(none.calls[0] + none.calls[1] + none.calls[2] == 0,
               "with a limit of 0 nothing may be fetched");

    struct call empty = {.server = &none, .n = 0, .limit = 2};
    rc = cio_test_run(call_main, &empty);
    cio_expect(rc == 0 && empty.rc == 0, "fetching 0 items returned %d; expected 0", empty.rc);
    cio_expect(cio_test_stats()->objects_live == 0,
               "fetching 0 items left %llu object(s) unfreed",
               (unsigned long long)cio_test_stats()->objects_live);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(never_more_than_limit),
    cmocka_unit_test(total_time_is_exact),
    cmocka_unit_test(freed_slot_is_reused_at_once),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(failures_release_their_slot),
    cmocka_unit_test(small_jobs_and_bad_limit),
#endif
};

CIO_TEST_MAIN(tests)
