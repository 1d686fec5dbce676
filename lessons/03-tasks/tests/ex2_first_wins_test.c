/*
 * ex2_first_wins_test.c — tests for exercise 03.2 (first_answer): the fastest mirror that
 * succeeds wins, the call returns as soon as it answers, the losers are cancelled (their
 * sleeps end with -ECANCELED) and awaited, and nothing is left pending.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

typedef int (*mirror_fn)(int mirror, int *answer);

int first_answer(mirror_fn ask, size_t n, int *answer);

/* ---- the simulated mirrors --------------------------------------------------------- */

enum { MAX_MIRRORS = 16 };

struct mirrors {
    size_t   n;                      /* how many */
    double   delay[MAX_MIRRORS];     /* how long each takes to answer */
    int      error[MAX_MIRRORS];     /* 0, or the error it returns after its delay */
    int      asked[MAX_MIRRORS];     /* how many times each was asked */
    int      finished[MAX_MIRRORS];  /* 1 once its ask() returned */
    int      cancelled[MAX_MIRRORS]; /* 1 if its wait ended with -ECANCELED */
    double   t0;                     /* loop time when first_answer() was called */
    double   returned_at;            /* when it returned, relative to t0 */
    int      answer;                 /* first_answer()'s output */
    int      rc;                     /* first_answer()'s result */
    int      all_finished;           /* 1 if every mirror's ask() had returned by then */
    uint64_t live_before;            /* tasks alive before the call */
    uint64_t live_after;             /* tasks alive after it */
};

static struct mirrors mr; /* ask() has no context argument */

static int answer_of(int mirror) { return 500 + mirror; }

static int ask(int mirror, int *answer)
{
    if (mirror < 0 || (size_t)mirror >= mr.n) return -EINVAL;
    mr.asked[mirror]++;
    int rc = cio_sleep(mr.delay[mirror]);
    mr.finished[mirror] = 1;
    if (rc == -ECANCELED) mr.cancelled[mirror] = 1;
    if (rc) return rc;
    if (mr.error[mirror]) return mr.error[mirror];
    *answer = answer_of(mirror);
    return 0;
}

static int mirrors_main(void *arg)
{
    (void)arg;
    cio_stats st;
    cio_stats_get(&st);
    mr.live_before = st.tasks_live;
    mr.t0 = cio_now();
    mr.rc = first_answer(ask, mr.n, &mr.answer);
    mr.returned_at = cio_now() - mr.t0;
    cio_stats_get(&st);
    mr.live_after = st.tasks_live;
    mr.all_finished = 1;
    for (size_t i = 0; i < mr.n; i++) mr.all_finished &= mr.finished[i];
    return 0;
}

static void setup(size_t n, const double *delays, const int *errors)
{
    memset(&mr, 0, sizeof mr);
    mr.n = n;
    mr.answer = -1;
    for (size_t i = 0; i < n; i++) {
        mr.delay[i] = delays[i];
        mr.error[i] = errors ? errors[i] : 0;
    }
}

static void run(void)
{
    assert_int_equal(cio_test_run(mirrors_main, NULL), 0);
    cio_expect(mr.rc != -ENOSYS, "first_answer() returned -ENOSYS: still the stub");
    size_t never = mr.n, twice = mr.n;
    for (size_t i = 0; i < mr.n; i++) {
        if (mr.asked[i] == 0 && never == mr.n) never = i;
        if (mr.asked[i] > 1 && twice == mr.n) twice = i;
    }
    cio_expect(never == mr.n || twice == mr.n,
               "mirror %zu was asked %d times and mirror %zu %d times: did every task get a "
               "struct ask_arg of its own? A struct declared inside a loop's body is the same "
               "memory on every turn, and the tasks only read it after the loop is done",
               never, never < mr.n ? mr.asked[never] : 0, twice,
               twice < mr.n ? mr.asked[twice] : 0);
}

static void expect_answer(int mirror)
{
    int failed = -1; /* a mirror whose error first_answer() returned, if any */
    for (size_t i = 0; i < mr.n && mr.rc; i++)
        if (mr.error[i] == mr.rc) failed = (int)i;
    cio_expect(mr.rc == 0, "first_answer() returned %d, expected 0%s", mr.rc,
               failed >= 0 ? ": that is the error of a mirror that failed, but a failing "
                             "mirror does not win; keep waiting for the others"
                           : "");
    cio_expect(mr.answer == answer_of(mirror), "the answer was %d, expected %d (mirror %d's: "
               "the first to succeed, after %.1f s)", mr.answer, answer_of(mirror), mirror,
               mr.delay[mirror]);
}

static void expect_returned_at(double when, const char *why)
{
    cio_expect(cio_time_eq(mr.returned_at, when), "first_answer() returned after %.1f s, "
               "expected %.1f s (%s)", mr.returned_at, when, why);
}

static void expect_all_accounted_for(void)
{
    for (size_t i = 0; i < mr.n; i++)
        cio_expect(mr.asked[i] == 1, "mirror %zu was asked %d times, expected once", i,
                   mr.asked[i]);
    cio_expect(mr.all_finished, "when first_answer() returned, some mirrors were still being "
               "asked: after cio_cancel(), await the cancelled tasks (cancelling only asks)");
    cio_expect(mr.live_after == mr.live_before, "when first_answer() returned, %lld task(s) "
               "were still alive besides the caller", (long long)(mr.live_after - mr.live_before));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still pending when the test ended",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
}

/* ---- the tests ------------------------------------------------------------------- */

static void answer_from_the_fastest(void **state)
{
    (void)state;
    const double d[] = {3.0, 1.0, 2.0};
    setup(3, d, NULL);
    run();
    expect_answer(1);
}

static void done_when_the_first_answers(void **state)
{
    (void)state;
    const double d[] = {3.0, 1.0, 2.0};
    setup(3, d, NULL);
    run();
    expect_answer(1);
    expect_returned_at(1.0, mr.returned_at > 2.5 ? "the fastest mirror; it waited for the "
                                                   "slowest: cancel the losers instead"
                                                 : "the fastest mirror");
}

static void losers_cancelled_and_awaited(void **state)
{
    (void)state;
    const double d[] = {3.0, 1.0, 2.0, 4.0};
    setup(4, d, NULL);
    run();
    expect_answer(1);
    for (int i = 0; i < 4; i++)
        if (i != 1)
            cio_expect(mr.cancelled[i], "mirror %d (%.1f s) was not cancelled: its wait did "
                       "not end with -ECANCELED", i, mr.delay[i]);
    expect_all_accounted_for();
    expect_returned_at(1.0, "the fastest mirror");
}

/* The fastest mirror fails at 0.5 s: the next one, at 1.0 s, wins. */
static void a_failing_mirror_is_skipped(void **state)
{
    (void)state;
    const double d[] = {0.5, 2.0, 1.0};
    const int e[] = {-ECONNREFUSED, 0, 0};
    setup(3, d, e);
    run();
    expect_answer(2);
    expect_returned_at(1.0, "mirror 0 failed at 0.5 s, mirror 2 answered at 1.0 s");
    cio_expect(mr.cancelled[1], "mirror 1 was not cancelled");
    expect_all_accounted_for();
}

#ifdef CIO_HIDDEN_TESTS
static void every_mirror_fails(void **state)
{
    (void)state;
    const double d[] = {1.0, 0.5, 2.0};
    const int e[] = {-EIO, -ECONNREFUSED, -EHOSTUNREACH};
    setup(3, d, e);
    run();
    cio_expect(mr.rc == -ECONNREFUSED, "first_answer() returned %d, expected %d (mirror 1's "
               "error: the first to fail, at 0.5 s)", mr.rc, -ECONNREFUSED);
    expect_returned_at(2.0, "the last mirror failed at 2.0 s");
    expect_all_accounted_for();
}

static void one_mirror_and_none(void **state)
{
    (void)state;
    const double d[] = {1.5};
    setup(1, d, NULL);
    run();
    expect_answer(0);
    expect_returned_at(1.5, "the only mirror");
    expect_all_accounted_for();
    setup(0, NULL, NULL);
    run();
    cio_expect(mr.rc == -EINVAL, "first_answer() with no mirrors returned %d, expected "
               "-EINVAL (%d)", mr.rc, -EINVAL);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(answer_from_the_fastest),
    cmocka_unit_test(done_when_the_first_answers),
    cmocka_unit_test(losers_cancelled_and_awaited),
    cmocka_unit_test(a_failing_mirror_is_skipped),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(every_mirror_fails),
    cmocka_unit_test(one_mirror_and_none),
#endif
};
CIO_TEST_MAIN(tests)
