/*
 * ex4_fallback_test.c — tests for exercise 03.4 (price_or_fallback): a quote in time is
 * used as soon as it comes, a slow one is cancelled at exactly the timeout and replaced
 * by the fallback, a failure is returned as an error, and no task outlives the call.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

typedef int (*quote_fn)(const char *symbol, int *price);

int price_or_fallback(quote_fn quote, const char *symbol, double timeout, int fallback,
                      int *price);

/* ---- the simulated quote service ---------------------------------------------------- */

struct symbol {
    const char *name;      /* the symbol */
    double      delay;     /* how long its quote takes */
    int         error;     /* 0, or the error its quote returns */
    int         price;     /* its price */
    int         asked;     /* how many times it was quoted */
    int         finished;  /* 1 once its quote() returned */
    int         cancelled; /* 1 if its wait ended with -ECANCELED */
};

static struct symbol market[] = {
    {"FAST", 0.5, 0, 101, 0, 0, 0},    {"SLOW", 5.0, 0, 202, 0, 0, 0},
    {"FAIL", 0.3, -ECONNRESET, 0, 0, 0, 0}, {"A", 0.5, 0, 11, 0, 0, 0},
    {"B", 3.0, 0, 12, 0, 0, 0},        {"C", 1.0, 0, 13, 0, 0, 0},
    {"D", 7.0, 0, 14, 0, 0, 0},        {"E", 0.2, -EIO, 15, 0, 0, 0},
};
enum { NSYM = sizeof market / sizeof market[0], FALLBACK = -7 };

static struct symbol *find(const char *name)
{
    for (size_t i = 0; i < NSYM; i++)
        if (strcmp(market[i].name, name) == 0) return &market[i];
    return NULL;
}

static int quote(const char *name, int *price)
{
    struct symbol *s = find(name);
    if (!s) return -EINVAL;
    s->asked++;
    int rc = cio_sleep(s->delay);
    s->finished = 1;
    if (rc == -ECANCELED) s->cancelled = 1;
    if (rc) return rc;
    if (s->error) return s->error;
    *price = s->price;
    return 0;
}

/* ---- one lookup, run by a task ------------------------------------------------------ */

struct lookup {
    const char *symbol;      /* what to look up */
    double      timeout;     /* how long to give it */
    int         price;       /* price_or_fallback()'s output; starts at -1 */
    int         rc;          /* its result */
    double      t0;          /* when it was called */
    double      returned_at; /* when it returned, relative to t0 */
    int         done;        /* 1 once it returned */
};

static int lookup_task(void *arg)
{
    struct lookup *l = arg;
    l->t0 = cio_now();
    l->rc = price_or_fallback(quote, l->symbol, l->timeout, FALLBACK, &l->price);
    l->returned_at = cio_now() - l->t0;
    l->done = 1;
    return 0;
}

struct scene {
    struct lookup *lookups;      /* the lookups, run at once from the main task */
    int            n;            /* how many */
    double         cancel_at;    /* cancel lookup 0's task at this time (0: never) */
    uint64_t       live_before;  /* tasks alive before the lookups */
    uint64_t       live_after;   /* tasks alive after they all returned */
};

static int scene_main(void *arg)
{
    struct scene *s = arg;
    cio_stats st;
    cio_stats_get(&st);
    s->live_before = st.tasks_live;
    if (s->n == 1 && !s->cancel_at) {
        lookup_task(&s->lookups[0]); /* straight from the main task */
    } else {
        cio_task *ts[8];
        for (int i = 0; i < s->n; i++) ts[i] = cio_spawn(lookup_task, &s->lookups[i]);
        if (s->cancel_at) {
            cio_sleep(s->cancel_at);
            cio_cancel(ts[0]);
        }
        cio_gather(ts, (size_t)s->n);
    }
    cio_stats_get(&st);
    s->live_after = st.tasks_live;
    return 0;
}

static void reset_market(void)
{
    for (size_t i = 0; i < NSYM; i++) market[i].asked = market[i].finished = market[i].cancelled = 0;
}

static void run(struct scene *s)
{
    reset_market();
    for (int i = 0; i < s->n; i++) s->lookups[i].price = -1;
    assert_int_equal(cio_test_run(scene_main, s), 0);
    for (int i = 0; i < s->n; i++)
        cio_expect(s->lookups[i].rc != -ENOSYS, "price_or_fallback() returned -ENOSYS: still "
                   "the stub");
}

static void expect_lookup(const struct lookup *l, int rc, int price, double when)
{
    cio_expect(l->done, "price_or_fallback(\"%s\") never returned", l->symbol);
    cio_expect(l->rc == rc, "price_or_fallback(\"%s\", timeout %.1f) returned %d, expected %d%s%s",
               l->symbol, l->timeout, l->rc, rc,
               rc == 1 ? " (the quote was too slow: the fallback was used)" : "",
               l->rc == -ETIMEDOUT ? "; -ETIMEDOUT is cio_wait_for() saying the quote was too "
                                     "slow, which is when the fallback is used"
                                   : "");
    cio_expect(l->price == price, "price_or_fallback(\"%s\") gave the price %d, expected %d%s",
               l->symbol, l->price, price,
               price == FALLBACK ? " (the fallback)" : price == -1 ? " (untouched)" : "");
    cio_expect(cio_time_eq(l->returned_at, when), "price_or_fallback(\"%s\", timeout %.1f) "
               "returned after %.2f s, expected %.2f s", l->symbol, l->timeout, l->returned_at,
               when);
}

static void expect_nothing_left(const struct scene *s)
{
    cio_expect(s->live_after == s->live_before, "after the lookups returned, %lld task(s) "
               "were still alive", (long long)(s->live_after - s->live_before));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still pending when the test ended",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
}

/* ---- the tests ------------------------------------------------------------------- */

static void fast_quote_is_used(void **state)
{
    (void)state;
    struct lookup l = {"FAST", 2.0, -1, 0, 0, 0, 0};
    struct scene s = {&l, 1, 0, 0, 0};
    run(&s);
    expect_lookup(&l, 0, 101, 0.5);
    expect_nothing_left(&s);
}

static void slow_quote_falls_back_on_time(void **state)
{
    (void)state;
    struct lookup l = {"SLOW", 2.0, -1, 0, 0, 0, 0};
    struct scene s = {&l, 1, 0, 0, 0};
    run(&s);
    expect_lookup(&l, 1, FALLBACK, 2.0);
}

static void slow_quote_is_cancelled(void **state)
{
    (void)state;
    struct lookup l = {"SLOW", 2.0, -1, 0, 0, 0, 0};
    struct scene s = {&l, 1, 0, 0, 0};
    run(&s);
    struct symbol *q = find("SLOW");
    cio_expect(q->asked == 1, "the quote was asked %d times, expected once", q->asked);
    cio_expect(q->cancelled, "the slow quote was not cancelled: its wait did not end with "
               "-ECANCELED%s", q->finished ? "" : " (it was still running at the end)");
    expect_lookup(&l, 1, FALLBACK, 2.0);
    expect_nothing_left(&s);
}

static void failed_quote_is_an_error(void **state)
{
    (void)state;
    struct lookup l = {"FAIL", 2.0, -1, 0, 0, 0, 0};
    struct scene s = {&l, 1, 0, 0, 0};
    run(&s);
    expect_lookup(&l, -ECONNRESET, -1, 0.3);
    expect_nothing_left(&s);
}

#ifdef CIO_HIDDEN_TESTS
static void many_lookups_at_once(void **state)
{
    (void)state;
    struct lookup l[5] = {
        {"A", 1.0, -1, 0, 0, 0, 0}, {"B", 2.0, -1, 0, 0, 0, 0}, {"C", 0.5, -1, 0, 0, 0, 0},
        {"D", 4.0, -1, 0, 0, 0, 0}, {"E", 1.0, -1, 0, 0, 0, 0},
    };
    struct scene s = {l, 5, 0, 0, 0};
    run(&s);
    expect_lookup(&l[0], 0, 11, 0.5);
    expect_lookup(&l[1], 1, FALLBACK, 2.0);
    expect_lookup(&l[2], 1, FALLBACK, 0.5);
    expect_lookup(&l[3], 1, FALLBACK, 4.0);
    expect_lookup(&l[4], -EIO, -1, 0.2);
    cio_expect(cio_time_eq(cio_test_elapsed(), 4.0), "the five lookups took %.2f s together, "
               "expected 4.00 s (the longest timeout that fired)", cio_test_elapsed());
    expect_nothing_left(&s);
}

/* The caller is cancelled at 1.0 s while waiting for SLOW with a 10 s timeout. */
static void cancelled_caller(void **state)
{
    (void)state;
    struct lookup l = {"SLOW", 10.0, -1, 0, 0, 0, 0};
    struct scene s = {&l, 1, 1.0, 0, 0};
    run(&s);
    struct symbol *q = find("SLOW");
    cio_expect(l.rc == -ECANCELED, "a cancelled price_or_fallback() returned %d, expected "
               "-ECANCELED (%d)", l.rc, -ECANCELED);
    cio_expect(cio_time_eq(l.returned_at, 1.0), "it returned after %.2f s, expected 1.00 s "
               "(when it was cancelled)", l.returned_at);
    cio_expect(q->cancelled, "the quote was not cancelled along with its caller");
    expect_nothing_left(&s);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(fast_quote_is_used),
    cmocka_unit_test(slow_quote_falls_back_on_time),
    cmocka_unit_test(slow_quote_is_cancelled),
    cmocka_unit_test(failed_quote_is_an_error),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(many_lookups_at_once),
    cmocka_unit_test(cancelled_caller),
#endif
};
CIO_TEST_MAIN(tests)
