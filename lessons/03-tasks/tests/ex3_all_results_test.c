/*
 * ex3_all_results_test.c — tests for exercise 03.3 (load_all): every item gets its own
 * status, the result is the first error in array order (not time order), failures do
 * not stop the other loads, the loads overlap, and every task is accounted for.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

struct item {
    int id;     /* which item to load (set by the caller) */
    int value;  /* out: its value, when status is 0 */
    int status; /* out: 0, or the error its load returned */
};

typedef int (*load_fn)(int id, int *value);

int load_all(load_fn load, struct item *items, size_t n);

/* ---- the simulated store ------------------------------------------------------------ */

enum { MAX_ITEMS = 256, UNTOUCHED = 12345, ID_BASE = 40 };

struct store {
    size_t      n;                   /* items */
    struct item items[MAX_ITEMS];    /* what load_all() gets; item i has id ID_BASE + i */
    double      delay[MAX_ITEMS];    /* how long loading item i takes */
    int         error[MAX_ITEMS];    /* 0, or the error item i's load returns */
    int         loaded[MAX_ITEMS];   /* how many times item i was loaded */
    int         finished[MAX_ITEMS]; /* 1 once item i's load returned normally (not cancelled) */
    cio_task   *main_task;           /* the task that called load_all() */
    cio_task   *task[MAX_ITEMS];     /* the task that loaded item i */
    double      t0;                  /* loop time when load_all() was called */
    double      returned_at;         /* when it returned, relative to t0 */
    int         rc;                  /* load_all()'s result */
    uint64_t    live_before;         /* tasks alive before the call */
    uint64_t    live_after;          /* tasks alive after it */
};

static struct store st; /* load() has no context argument */

static int value_of(int id) { return id * 3 + 1; }

static int load(int id, int *value)
{
    int i = id - ID_BASE;
    if (i < 0 || (size_t)i >= st.n) return -EINVAL;
    st.loaded[i]++;
    st.task[i] = cio_current();
    int rc = cio_sleep(st.delay[i]);
    if (rc) return rc;
    st.finished[i] = 1;
    if (st.error[i]) return st.error[i];
    *value = value_of(id);
    return 0;
}

static int store_main(void *arg)
{
    (void)arg;
    cio_stats s;
    st.main_task = cio_current();
    cio_stats_get(&s);
    st.live_before = s.tasks_live;
    st.t0 = cio_now();
    st.rc = load_all(load, st.items, st.n);
    st.returned_at = cio_now() - st.t0;
    cio_stats_get(&s);
    st.live_after = s.tasks_live;
    return 0;
}

static void setup(size_t n, const double *delays, const int *errors)
{
    memset(&st, 0, sizeof st);
    st.n = n;
    for (size_t i = 0; i < n; i++) {
        st.items[i] = (struct item){ID_BASE + (int)i, -1, UNTOUCHED};
        st.delay[i] = delays[i];
        st.error[i] = errors ? errors[i] : 0;
    }
}

static void run(void)
{
    assert_int_equal(cio_test_run(store_main, NULL), 0);
    cio_expect(st.rc != -ENOSYS, "load_all() returned -ENOSYS: still the stub");
    size_t never = st.n, twice = st.n;
    for (size_t i = 0; i < st.n; i++) {
        if (st.loaded[i] == 0 && never == st.n) never = i;
        if (st.loaded[i] > 1 && twice == st.n) twice = i;
    }
    cio_expect(never == st.n || twice == st.n,
               "item %zu was loaded %d times and item %zu %d times: did every task get a "
               "struct load_arg of its own? A struct declared inside a loop's body is the same "
               "memory on every turn, and the tasks only read it after the loop is done",
               never, never < st.n ? st.loaded[never] : 0, twice,
               twice < st.n ? st.loaded[twice] : 0);
}

static double slowest(void)
{
    double m = 0;
    for (size_t i = 0; i < st.n; i++) if (st.delay[i] > m) m = st.delay[i];
    return m;
}

static void expect_overlap(void)
{
    cio_expect(cio_time_eq(st.returned_at, slowest()),
               "load_all() returned after %.1f s of loop time; with the %zu loads overlapping "
               "and none cut short it takes %.1f s (the slowest load)", st.returned_at, st.n,
               slowest());
}

static void expect_statuses(void)
{
    for (size_t i = 0; i < st.n; i++) {
        const struct item *it = &st.items[i];
        cio_expect(it->status == st.error[i], "items[%zu].status is %d%s, expected %d (what its "
                   "load returned)", i, it->status,
                   it->status == UNTOUCHED ? " (never set: each task must store what its load "
                                             "returned in its own item)"
                                           : "",
                   st.error[i]);
        if (!st.error[i])
            cio_expect(it->value == value_of(it->id), "items[%zu].value is %d, expected %d", i,
                       it->value, value_of(it->id));
    }
}

static void expect_accounted_for(void)
{
    for (size_t i = 0; i < st.n; i++) {
        cio_expect(st.loaded[i] == 1, "item %zu was loaded %d times, expected once", i,
                   st.loaded[i]);
        cio_expect(st.task[i] != st.main_task, "item %zu was loaded by load_all()'s own task; "
                   "spawn a task per item", i);
    }
    cio_expect(st.live_after == st.live_before, "when load_all() returned, %lld task(s) were "
               "still alive besides the caller", (long long)(st.live_after - st.live_before));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still pending when the test ended",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
}

/* Item 3 fails first in time (-EIO at 0.5 s), item 1 first in array order (-ENOENT at 2 s). */
static void mixed(void)
{
    const double d[] = {1.0, 2.0, 3.0, 0.5, 1.5};
    const int e[] = {0, -ENOENT, 0, -EIO, 0};
    setup(5, d, e);
}

/* ---- the tests ------------------------------------------------------------------- */

static void statuses_for_every_item(void **state)
{
    (void)state;
    mixed();
    run();
    expect_statuses();
    expect_overlap();
}

static void first_error_in_array_order(void **state)
{
    (void)state;
    mixed();
    run();
    cio_expect(st.rc == -ENOENT, "load_all() returned %d, expected %d (-ENOENT: items[1]'s "
               "error comes first in the array, though items[3] failed earlier in time with "
               "-EIO)", st.rc, -ENOENT);
    expect_overlap();
}

static void failures_do_not_stop_the_rest(void **state)
{
    (void)state;
    mixed();
    run();
    for (size_t i = 0; i < st.n; i++)
        cio_expect(st.finished[i], "item %zu's load (%.1f s) was cut short; a failure elsewhere "
                   "must not stop it", i, st.delay[i]);
    expect_statuses();
    expect_overlap();
}

static void every_task_accounted_for(void **state)
{
    (void)state;
    mixed();
    run();
    expect_accounted_for();
    expect_overlap();
}

#ifdef CIO_HIDDEN_TESTS
static void all_succeed(void **state)
{
    (void)state;
    const double d[] = {0.25, 1.75, 1.0};
    setup(3, d, NULL);
    run();
    cio_expect(st.rc == 0, "load_all() returned %d, expected 0: every load succeeded", st.rc);
    expect_statuses();
    expect_overlap();
    expect_accounted_for();
}

static void two_hundred_all_fail(void **state)
{
    (void)state;
    static double d[200];
    static int e[200];
    for (int i = 0; i < 200; i++) {
        d[i] = 0.5 * ((199 - i) % 11 + 1);
        e[i] = i % 2 ? -EIO : -ENOENT;
    }
    setup(200, d, e);
    run();
    cio_expect(st.rc == -ENOENT, "load_all() returned %d, expected items[0]'s error %d", st.rc,
               -ENOENT);
    expect_statuses();
    expect_overlap();
    expect_accounted_for();
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(statuses_for_every_item),
    cmocka_unit_test(first_error_in_array_order),
    cmocka_unit_test(failures_do_not_stop_the_rest),
    cmocka_unit_test(every_task_accounted_for),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(all_succeed),
    cmocka_unit_test(two_hundred_all_fail),
#endif
};
CIO_TEST_MAIN(tests)
