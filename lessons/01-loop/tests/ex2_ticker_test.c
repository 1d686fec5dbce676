/*
 * ex2_ticker_test.c — tests for exercise 01.2 (ticker_start, ticker_stop): ticks land
 * on exact multiples of the period even when a tick is slow or the loop is late, the
 * ticker stops itself after `count` ticks, and ticker_stop() works from anywhere.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

struct ticker {
    double     period;  /* seconds between ticks (set by the caller) */
    int        count;   /* ticks to fire before stopping by itself (set by the caller) */
    void     (*on_tick)(struct ticker *t, int n); /* the caller's: called with n = 1, 2, ... */
    void      *user;    /* the caller's; leave it alone */
    double     start;   /* yours: loop time when ticker_start() ran */
    int        ticks;   /* yours: ticks fired so far */
    int        stopped; /* yours: nonzero once stopped (by ticker_stop or after the last tick) */
    cio_handle next;    /* yours: the pending tick, so that ticker_stop() can cancel it */
};

int  ticker_start(struct ticker *t);
void ticker_stop(struct ticker *t);

/* ---- one ticker under test --------------------------------------------------------- */

enum { MAX_TICKS = 256 };

struct watch {
    struct ticker t;               /* the ticker under test */
    double        tick_work;       /* on_tick blocks the loop this long (cio_block_for) */
    int           stop_in_tick;    /* on_tick calls ticker_stop() at this n; 0: never */
    double        t0;              /* cio_now() just before ticker_start() */
    int           rc;              /* what ticker_start() returned */
    int           n[MAX_TICKS];    /* the n each on_tick call received */
    double        at[MAX_TICKS];   /* when each on_tick call came, relative to t0 */
    int           calls;           /* how many on_tick calls came */
    const char   *why;             /* what makes this scene hard, for the messages */
};

static void on_tick(struct ticker *t, int n)
{
    struct watch *w = t->user;
    if (w->calls < MAX_TICKS) {
        w->n[w->calls] = n;
        w->at[w->calls] = cio_now() - w->t0;
    }
    w->calls++;
    if (w->tick_work > 0) cio_block_for(w->tick_work);
    if (w->stop_in_tick && n == w->stop_in_tick) ticker_stop(t);
}

static void watch_init(struct watch *w, double period, int count)
{
    memset(w, 0, sizeof *w);
    w->t.period = period;
    w->t.count = count;
    w->t.on_tick = on_tick;
    w->t.user = w;
}

struct scene {
    struct watch *w;            /* the tickers */
    int           nw;           /* how many */
    double        block_at;     /* the main task blocks the loop at this time... */
    double        block_for;    /* ...for this long (0: never) */
    double        stop_at;      /* the main task calls ticker_stop(w[0]) at this time (0: never) */
    double        wait;         /* how long the main task waits before the checks */
};

static int scene_main(void *arg)
{
    struct scene *s = arg;
    double t0 = cio_now();
    for (int i = 0; i < s->nw; i++) {
        s->w[i].t0 = t0;
        s->w[i].rc = ticker_start(&s->w[i].t);
    }
    if (s->block_for > 0) {
        cio_sleep_until(t0 + s->block_at);
        cio_block_for(s->block_for); /* the loop is stuck: no tick can run meanwhile */
    }
    if (s->stop_at > 0) {
        cio_sleep_until(t0 + s->stop_at);
        ticker_stop(&s->w[0].t);
        ticker_stop(&s->w[0].t); /* twice must be harmless */
    }
    cio_sleep_until(t0 + s->wait);
    return 0;
}

static void run_scene(struct scene *s)
{
    assert_int_equal(cio_test_run(scene_main, s), 0);
    for (int i = 0; i < s->nw; i++)
        cio_expect(s->w[i].rc == 0, "ticker_start() returned %d (%s), expected 0", s->w[i].rc,
                   s->w[i].rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
}

/* Tick k (1-based) came with n == k at t0 + want. */
static void expect_tick(const struct watch *w, int k, double want)
{
    cio_expect(w->calls >= k, "only %d tick(s) came, expected at least %d", w->calls, k);
    cio_expect(w->n[k - 1] == k, "tick %d came with n = %d, expected n = %d", k, w->n[k - 1], k);
    cio_expect(cio_time_eq(w->at[k - 1], want),
               "tick %d came at t0 + %.4f s, expected t0 + %.4f s (drift: %+.4f s; %s)", k,
               w->at[k - 1], want, w->at[k - 1] - want,
               w->why ? w->why : "tick n is due at start + n * period");
}

static void expect_count(const struct watch *w, int want, const char *why)
{
    cio_expect(w->calls == want, "%d tick(s) came, expected exactly %d (%s)", w->calls, want, why);
}

/* ---- the tests ------------------------------------------------------------------- */

/* Each tick blocks the loop for 0.3 s: the next must still come on the second. */
static void ticks_at_exact_multiples(void **state)
{
    (void)state;
    struct watch w;
    watch_init(&w, 1.0, 5);
    w.tick_work = 0.3;
    w.why = "every on_tick blocked the loop for 0.3 s, and that must not push the next tick";
    struct scene s = {&w, 1, 0, 0, 0, 20.0};
    run_scene(&s);
    for (int k = 1; k <= 5; k++) expect_tick(&w, k, k * 1.0);
}

/* The loop is stuck from 1.9 s to 2.4 s: tick 2 is late, tick 3 is back on time. */
static void late_tick_does_not_shift_the_rest(void **state)
{
    (void)state;
    struct watch w;
    watch_init(&w, 1.0, 5);
    w.why = "the loop was stuck from 1.9 s to 2.4 s, so tick 2 could only come at 2.4 s, "
            "but tick 3 is due at 3.0 s as always";
    struct scene s = {&w, 1, 1.9, 0.5, 0, 20.0};
    run_scene(&s);
    expect_tick(&w, 1, 1.0);
    expect_tick(&w, 2, 2.4); /* the loop could not run it earlier */
    for (int k = 3; k <= 5; k++) expect_tick(&w, k, k * 1.0);
}

static void stops_itself_after_count(void **state)
{
    (void)state;
    struct watch w;
    watch_init(&w, 0.5, 4);
    struct scene s = {&w, 1, 0, 0, 0, 30.0};
    run_scene(&s);
    expect_count(&w, 4, "count is 4, and the main task waited 60 periods");
    for (int k = 1; k <= 4; k++) expect_tick(&w, k, k * 0.5);
}

static void stop_from_outside(void **state)
{
    (void)state;
    struct watch w;
    watch_init(&w, 1.0, 10);
    struct scene s = {&w, 1, 0, 0, 2.5, 20.0};
    run_scene(&s);
    expect_count(&w, 2, "ticker_stop() was called at t0 + 2.5 s");
    expect_tick(&w, 2, 2.0);
}

static void stop_from_inside_a_tick(void **state)
{
    (void)state;
    struct watch w;
    watch_init(&w, 1.0, 10);
    w.stop_in_tick = 3;
    struct scene s = {&w, 1, 0, 0, 0, 20.0};
    run_scene(&s);
    expect_count(&w, 3, "on_tick called ticker_stop() during tick 3");
}

#ifdef CIO_HIDDEN_TESTS
/* Two tickers at once, with periods that are not round binary fractions, and a third
 * that is asked for no tick at all. */
static void two_tickers_at_once(void **state)
{
    (void)state;
    struct watch w[3];
    watch_init(&w[0], 0.1, 100);
    watch_init(&w[1], 0.7, 7);
    watch_init(&w[2], 0.5, 0);
    struct scene s = {w, 3, 0, 0, 0, 20.0};
    run_scene(&s);
    expect_count(&w[0], 100, "count is 100");
    expect_count(&w[1], 7, "count is 7");
    expect_count(&w[2], 0, "count is 0");
    for (int k = 1; k <= 100; k++) expect_tick(&w[0], k, k * 0.1);
    for (int k = 1; k <= 7; k++) expect_tick(&w[1], k, k * 0.7);
}

static void bad_arguments(void **state)
{
    (void)state;
    struct watch w[3];
    watch_init(&w[0], 0.0, 3);
    watch_init(&w[1], -1.0, 3);
    watch_init(&w[2], 1.0, -1);
    struct scene s = {w, 3, 0, 0, 0, 5.0};
    assert_int_equal(cio_test_run(scene_main, &s), 0);
    for (int i = 0; i < 3; i++) {
        cio_expect(w[i].rc == -EINVAL, "ticker_start() with period %.1f and count %d returned "
                   "%d, expected -EINVAL (%d)", w[i].t.period, w[i].t.count, w[i].rc, -EINVAL);
        expect_count(&w[i], 0, "the arguments were invalid");
    }
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(ticks_at_exact_multiples),
    cmocka_unit_test(late_tick_does_not_shift_the_rest),
    cmocka_unit_test(stops_itself_after_count),
    cmocka_unit_test(stop_from_outside),
    cmocka_unit_test(stop_from_inside_a_tick),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(two_tickers_at_once),
    cmocka_unit_test(bad_arguments),
#endif
};
CIO_TEST_MAIN(tests)
