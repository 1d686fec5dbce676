/*
 * ex1_fetch_all_test.c — tests for exercise 03.1 (fetch_all): the values land in id
 * order, the fetches overlap (the total is the slowest one, not the sum), each fetch
 * runs in a task of its own, errors come back in id order, and no task is left behind.
 * Every test checks the overlap, because getting the values one by one is not the task.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

typedef int (*fetch_fn)(int id, int *value);

int fetch_all(fetch_fn fetch, size_t n, int *values);

/* ---- the simulated resources ------------------------------------------------------- */

enum { MAX_RES = 1024 };

struct resources {
    size_t    n;               /* how many */
    double    delay[MAX_RES];  /* how long fetching each one takes */
    int       error[MAX_RES];  /* 0, or the error its fetch returns (after its delay) */
    int       values[MAX_RES]; /* fetch_all()'s output */
    int       fetched[MAX_RES]; /* how many times each was fetched */
    cio_task *task[MAX_RES];   /* the task that fetched it */
    cio_task *main_task;       /* the task that called fetch_all() */
    double    t0;              /* loop time when fetch_all() was called */
    int       rc;              /* fetch_all()'s result */
    uint64_t  live_before;     /* tasks alive before the call */
    uint64_t  live_after;      /* tasks alive after it */
};

static struct resources res; /* the fetch function has no context argument */

static int value_of(int id) { return 1000 + 7 * id; }

static int fetch(int id, int *value)
{
    if (id < 0 || (size_t)id >= res.n) return -EINVAL;
    res.fetched[id]++;
    res.task[id] = cio_current();
    int rc = cio_sleep(res.delay[id]);
    if (rc) return rc;
    if (res.error[id]) return res.error[id];
    *value = value_of(id);
    return 0;
}

static int fetch_main(void *arg)
{
    (void)arg;
    cio_stats st;
    res.main_task = cio_current();
    cio_stats_get(&st);
    res.live_before = st.tasks_live;
    res.t0 = cio_now();
    res.rc = fetch_all(fetch, res.n, res.values);
    cio_stats_get(&st);
    res.live_after = st.tasks_live;
    return 0;
}

static void setup_res(size_t n, const double *delays)
{
    memset(&res, 0, sizeof res);
    res.n = n;
    for (size_t i = 0; i < n; i++) {
        res.delay[i] = delays[i];
        res.values[i] = -1;
    }
}

/* Each resource fetched once: if one was fetched never and another several times, the
 * tasks most likely shared one argument struct. */
static void expect_each_once(void)
{
    size_t never = res.n, twice = res.n;
    for (size_t i = 0; i < res.n; i++) {
        if (res.fetched[i] == 0 && never == res.n) never = i;
        if (res.fetched[i] > 1 && twice == res.n) twice = i;
    }
    cio_expect(never == res.n || twice == res.n,
               "resource %zu was fetched %d times and resource %zu %d times: did every task get "
               "a struct fetch_arg of its own? A struct declared inside a loop's body is the "
               "same memory on every turn, and the tasks only read it after the loop is done",
               never, never < res.n ? res.fetched[never] : 0, twice,
               twice < res.n ? res.fetched[twice] : 0);
}

static void run_fetch(void)
{
    assert_int_equal(cio_test_run(fetch_main, NULL), 0);
    expect_each_once();
}

static double slowest(void)
{
    double m = 0;
    for (size_t i = 0; i < res.n; i++) if (res.delay[i] > m) m = res.delay[i];
    return m;
}

static double total(void)
{
    double s = 0;
    for (size_t i = 0; i < res.n; i++) s += res.delay[i];
    return s;
}

/* The one thing every test checks: the fetches ran at the same time. */
static void expect_overlap(void)
{
    double took = cio_test_elapsed(), want = slowest();
    cio_expect(cio_time_eq(took, want),
               "the %zu fetches took %.1f s of loop time; if they overlapped they would take "
               "%.1f s (the slowest one)%s", res.n, took, want,
               cio_time_eq(took, total()) ? ", not the sum: they ran one after the other"
                                          : "");
}

static void expect_ok(void)
{
    cio_expect(res.rc == 0, "fetch_all() returned %d, expected 0", res.rc);
}

static void expect_values(void)
{
    for (size_t i = 0; i < res.n; i++)
        if (!res.error[i])
            cio_expect(res.values[i] == value_of((int)i), "values[%zu] is %d, expected %d "
                       "(resource %zu's value)", i, res.values[i], value_of((int)i), i);
}

/* ---- the tests ------------------------------------------------------------------- */

static void values_in_id_order(void **state)
{
    (void)state;
    const double d[] = {1.0, 3.0, 2.0};
    setup_res(3, d);
    run_fetch();
    expect_ok();
    expect_values();
    expect_overlap();
}

static void total_is_the_slowest(void **state)
{
    (void)state;
    const double d[] = {2.0, 0.5, 3.0, 1.5, 2.5};
    setup_res(5, d);
    run_fetch();
    expect_overlap();
    expect_ok();
}

static void every_task_awaited(void **state)
{
    (void)state;
    const double d[] = {1.0, 3.0, 2.0};
    setup_res(3, d);
    run_fetch();
    for (size_t i = 0; i < res.n; i++) {
        cio_expect(res.fetched[i] == 1, "resource %zu was fetched %d times, expected once", i,
                   res.fetched[i]);
        cio_expect(res.task[i] != res.main_task, "resource %zu was fetched by fetch_all()'s "
                   "own task; spawn a task per fetch", i);
    }
    expect_overlap();
    cio_expect(res.live_after == res.live_before, "when fetch_all() returned, %lld task(s) "
               "were still alive besides the caller: await or gather every task you spawn",
               (long long)(res.live_after - res.live_before));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still pending when the test ended",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
}

/* Resource 3 fails first in time (at 0.5 s), resource 1 first in id order (at 2.0 s). */
static void first_error_in_id_order(void **state)
{
    (void)state;
    const double d[] = {1.0, 2.0, 3.0, 0.5};
    setup_res(4, d);
    res.error[1] = -ENOENT;
    res.error[3] = -EIO;
    run_fetch();
    cio_expect(res.rc == -ENOENT, "fetch_all() returned %d, expected %d (-ENOENT, resource 1's "
               "error: the first in id order, though resource 3 failed earlier with -EIO)",
               res.rc, -ENOENT);
    expect_values();
    expect_overlap();
    cio_expect(res.live_after == res.live_before, "tasks were still alive after fetch_all() "
               "returned");
}

#ifdef CIO_HIDDEN_TESTS
static void a_thousand_fetches(void **state)
{
    (void)state;
    static double d[1000];
    for (int i = 0; i < 1000; i++) d[i] = 0.5 * (i % 9 + 1);
    setup_res(1000, d);
    run_fetch();
    expect_ok();
    expect_values();
    expect_overlap();
    cio_expect(res.live_after == res.live_before, "tasks were still alive after fetch_all() "
               "returned");
}

static void none_and_one(void **state)
{
    (void)state;
    setup_res(0, NULL);
    run_fetch();
    cio_expect(res.rc == 0 && cio_test_elapsed() == 0.0, "fetch_all() with no resources "
               "returned %d after %.1f s, expected 0 at once", res.rc, cio_test_elapsed());
    const double d[] = {1.5};
    setup_res(1, d);
    run_fetch();
    expect_ok();
    expect_values();
    expect_overlap();
    cio_expect(res.task[0] != res.main_task, "the only resource was fetched by fetch_all()'s "
               "own task; it gets a task too");
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(values_in_id_order),
    cmocka_unit_test(total_is_the_slowest),
    cmocka_unit_test(every_task_awaited),
    cmocka_unit_test(first_error_in_id_order),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(a_thousand_fetches),
    cmocka_unit_test(none_and_one),
#endif
};
CIO_TEST_MAIN(tests)
