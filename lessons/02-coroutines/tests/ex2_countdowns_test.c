/*
 * ex2_countdowns_test.c — tests for exercise 02.2 (run_countdowns): every number is said
 * at its exact time, the countdowns overlap (the total is the longest one, not the sum),
 * each runs in its own task named after it, and no task is left behind.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct countdown {
    const char *name;     /* shown in reports (set by the caller) */
    int         from;     /* the first number said; then from-1, ..., 0 (set by the caller) */
    double      interval; /* seconds between two numbers (set by the caller) */
    void      (*say)(struct countdown *c, int n); /* the caller's: call it for each number */
    void       *user;     /* the caller's; leave it alone */
};

int run_countdowns(struct countdown *cs, size_t n);

/* ---- what the test records ------------------------------------------------------ */

enum { MAX_CD = 128, MAX_SAID = 16 };

struct heard {
    int       n[MAX_SAID];       /* the numbers said, in order */
    double    at[MAX_SAID];      /* when, relative to t0 */
    cio_task *from[MAX_SAID];    /* which task said it */
    int       name_ok[MAX_SAID]; /* 1 if that task's name was the countdown's name */
    char      bad_name[32];      /* the first wrong task name seen, for the message */
    int       count;             /* how many numbers were said */
};

struct launch {
    struct countdown cs[MAX_CD];    /* what run_countdowns() gets */
    char             names[MAX_CD][32]; /* storage for the names */
    struct heard     heard[MAX_CD]; /* what each countdown said */
    size_t           n;             /* how many countdowns */
    double           t0;            /* loop time when run_countdowns() was called */
    cio_task        *main_task;     /* the caller's task */
    int              rc;            /* what run_countdowns() returned */
    uint64_t         live_before;   /* tasks alive before the call */
    uint64_t         live_after;    /* tasks alive after it */
};

static void say(struct countdown *c, int n)
{
    struct launch *l = c->user;
    struct heard *h = &l->heard[c - l->cs];
    if (h->count < MAX_SAID) {
        h->n[h->count] = n;
        h->at[h->count] = cio_now() - l->t0;
        h->from[h->count] = cio_current();
        const char *tn = cio_current() ? cio_task_name(cio_current()) : "(no task)";
        h->name_ok[h->count] = strcmp(tn, c->name) == 0;
        if (!h->name_ok[h->count] && !h->bad_name[0])
            snprintf(h->bad_name, sizeof h->bad_name, "%s", tn);
    }
    h->count++;
}

static void launch_add(struct launch *l, int from, double interval)
{
    size_t i = l->n++;
    if (i < 26)
        snprintf(l->names[i], sizeof l->names[i], "%c", (int)('A' + i));
    else
        snprintf(l->names[i], sizeof l->names[i], "%c%u", (int)('A' + i % 26), (unsigned)(i / 26));
    l->cs[i] = (struct countdown){l->names[i], from, interval, say, l};
}

static int launch_main(void *arg)
{
    struct launch *l = arg;
    cio_stats st;
    l->main_task = cio_current();
    cio_stats_get(&st);
    l->live_before = st.tasks_live;
    l->t0 = cio_now();
    l->rc = run_countdowns(l->cs, l->n);
    cio_stats_get(&st);
    l->live_after = st.tasks_live;
    return 0;
}

static void run_launch(struct launch *l)
{
    assert_int_equal(cio_test_run(launch_main, l), 0);
    cio_expect(l->rc == 0, "run_countdowns() returned %d (%s), expected 0", l->rc,
               l->rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
}

/* Countdown i said from, from-1, ..., 0 at exact multiples of its interval. */
static void expect_on_time(const struct launch *l, size_t i)
{
    const struct countdown *c = &l->cs[i];
    const struct heard *h = &l->heard[i];
    cio_expect(h->count == c->from + 1, "countdown %s said %d numbers, expected %d (from %d "
               "down to 0)", c->name, h->count, c->from + 1, c->from);
    for (int k = 0; k < h->count && k < MAX_SAID; k++) {
        int want = c->from - k;
        double when = k * c->interval;
        cio_expect(h->n[k] == want, "countdown %s said %d where %d was expected", c->name,
                   h->n[k], want);
        cio_expect(cio_time_eq(h->at[k], when), "countdown %s said %d at t0 + %.3f s, "
                   "expected t0 + %.3f s", c->name, want, h->at[k], when);
    }
}

static double longest(const struct launch *l)
{
    double m = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->cs[i].from * l->cs[i].interval > m) m = l->cs[i].from * l->cs[i].interval;
    return m;
}

static double sum(const struct launch *l)
{
    double s = 0;
    for (size_t i = 0; i < l->n; i++) s += l->cs[i].from * l->cs[i].interval;
    return s;
}

static void expect_total(const struct launch *l)
{
    cio_expect(cio_time_eq(cio_test_elapsed(), longest(l)),
               "the countdowns took %.3f s of loop time together; running at the same time "
               "they take %.3f s (the longest one)%s", cio_test_elapsed(), longest(l),
               cio_time_eq(cio_test_elapsed(), sum(l))
                   ? ", not the sum: they ran one after the other"
                   : cio_test_elapsed() > longest(l)
                         ? ": wait for the tasks themselves (cio_gather), not for a fixed time"
                         : ": did you return before they were done?");
}

static void two_countdowns(struct launch *l)
{
    memset(l, 0, sizeof *l);
    launch_add(l, 3, 1.0);
    launch_add(l, 2, 1.5);
}

/* ---- the tests ------------------------------------------------------------------- */

static void each_number_on_time(void **state)
{
    (void)state;
    static struct launch l;
    two_countdowns(&l);
    run_launch(&l);
    expect_on_time(&l, 0);
    expect_on_time(&l, 1);
}

static void total_is_the_longest(void **state)
{
    (void)state;
    static struct launch l;
    two_countdowns(&l);
    run_launch(&l);
    expect_total(&l);
}

static void one_task_per_countdown(void **state)
{
    (void)state;
    static struct launch l;
    two_countdowns(&l);
    run_launch(&l);
    for (size_t i = 0; i < l.n; i++) {
        const struct heard *h = &l.heard[i];
        cio_expect(h->count > 0, "countdown %s said nothing", l.cs[i].name);
        for (int k = 0; k < h->count; k++) {
            cio_expect(h->from[k] != l.main_task, "countdown %s spoke from the caller's "
                       "task; give each countdown a task of its own", l.cs[i].name);
            cio_expect(h->from[k] == h->from[0], "countdown %s spoke from two different tasks",
                       l.cs[i].name);
            cio_expect(h->name_ok[k], "countdown %s spoke from a task named \"%s\"; name it "
                       "after the countdown (cio_spawn_named)", l.cs[i].name, h->bad_name);
        }
    }
    cio_expect(l.heard[0].from[0] != l.heard[1].from[0], "both countdowns spoke from the same "
               "task");
}

static void nothing_left_behind(void **state)
{
    (void)state;
    static struct launch l;
    two_countdowns(&l);
    run_launch(&l);
    expect_on_time(&l, 0);
    expect_on_time(&l, 1);
    cio_expect(l.live_after == l.live_before, "when run_countdowns() returned, %lld task(s) "
               "were still alive besides the caller; await (or gather) every task",
               (long long)(l.live_after - l.live_before));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still pending when the test ended",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
}

#ifdef CIO_HIDDEN_TESTS
static void a_hundred_countdowns(void **state)
{
    (void)state;
    static struct launch l;
    memset(&l, 0, sizeof l);
    for (int i = 0; i < 100; i++) launch_add(&l, i % 6, 0.25 * (i % 7 + 1));
    run_launch(&l);
    for (size_t i = 0; i < l.n; i++) expect_on_time(&l, i);
    expect_total(&l);
    cio_expect(l.live_after == l.live_before, "tasks were left alive after run_countdowns()");
}

static void empty_and_zero(void **state)
{
    (void)state;
    static struct launch l;
    memset(&l, 0, sizeof l);
    run_launch(&l); /* no countdowns at all */
    cio_expect(cio_test_elapsed() == 0.0, "no countdowns took %.3f s", cio_test_elapsed());
    memset(&l, 0, sizeof l);
    launch_add(&l, 0, 5.0);
    run_launch(&l);
    expect_on_time(&l, 0);
    cio_expect(cio_test_elapsed() == 0.0, "a countdown from 0 took %.3f s; it says 0 at once",
               cio_test_elapsed());
    cio_expect(l.heard[0].from[0] != l.main_task, "a countdown from 0 spoke from the caller's "
               "task; it needs a task of its own too");
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(each_number_on_time),
    cmocka_unit_test(total_is_the_longest),
    cmocka_unit_test(one_task_per_countdown),
    cmocka_unit_test(nothing_left_behind),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(a_hundred_countdowns),
    cmocka_unit_test(empty_and_zero),
#endif
};
CIO_TEST_MAIN(tests)
