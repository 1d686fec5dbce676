/*
 * ex2_backup_budget_test.c — tests for 04.2: a backup that gets one time budget for all
 * of its copies. Under the virtual clock every copy takes exactly its size in seconds,
 * so the tests know to the nanosecond when the budget must cut it and when the index
 * must be written.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
struct backup;
int backup_within(struct backup *b, int nfiles, double budget, int *copied);

/* ---- The simulated disk --------------------------------------------------------------- */
#define MAXFILES   16
#define INDEX_TIME 0.05

struct backup {
    double sizes[MAXFILES];     /* seconds each copy takes */
    int    copied[MAXFILES];    /* copied[i]: file i is completely in the backup */
    int    partial[MAXFILES];   /* partial[i]: a half-copied file i is lying around */
    int    started[MAXFILES];   /* started[i]: copy_file(i) was called */
    double copy_start[MAXFILES];/* when each copy started */
    int    bad_calls;           /* calls with a file number out of range */
    int    index_writes;        /* write_index() calls that completed */
    int    index_count;         /* ncopied of the last completed write_index() */
    double index_done_at;       /* when it completed */
    int    index_cancelled;     /* write_index() calls cut short by cancellation */
};

static int file_ok(struct backup *b, int i)
{
    if (i >= 0 && i < MAXFILES) return 1;
    b->bad_calls++;
    return 0;
}

int copy_file(struct backup *b, int i)
{
    if (!file_ok(b, i)) return -EINVAL;
    b->started[i] = 1;
    b->copy_start[i] = cio_now();
    b->partial[i] = 1;
    int rc = cio_sleep(b->sizes[i]);
    if (rc < 0) return rc;      /* interrupted: the partial file stays */
    b->partial[i] = 0;
    b->copied[i] = 1;
    return 0;
}

void remove_partial(struct backup *b, int i)
{
    if (file_ok(b, i)) b->partial[i] = 0;
}

int write_index(struct backup *b, int ncopied)
{
    int rc = cio_sleep(INDEX_TIME);
    if (rc < 0) {
        b->index_cancelled++;
        return rc;
    }
    b->index_writes++;
    b->index_count = ncopied;
    b->index_done_at = cio_now();
    return 0;
}

/* ---- Running one scenario ------------------------------------------------------------ */
struct scenario {
    struct backup b;        /* the disk */
    int           nfiles;   /* how many files to back up */
    double        budget;   /* the budget given to backup_within() */
    double        cancel_at;/* > 0: cancel the backup task from outside at this time */
    int           rc;       /* what backup_within() returned */
    int           copied;   /* what it set *copied to (-1: untouched) */
    double        returned; /* loop time when it returned */
};

static int backup_task(void *p)
{
    struct scenario *sc = p;
    sc->rc = backup_within(&sc->b, sc->nfiles, sc->budget, &sc->copied);
    sc->returned = cio_now();
    return 0;
}

static int scenario_main(void *p)
{
    struct scenario *sc = p;
    cio_task *t = cio_spawn(backup_task, sc);
    if (sc->cancel_at > 0) {
        cio_sleep(sc->cancel_at);
        cio_cancel(t);
    }
    return cio_await(t);
}

static void run(struct scenario *sc, const double *sizes, int n, double budget, double cancel_at)
{
    memset(sc, 0, sizeof *sc);
    memcpy(sc->b.sizes, sizes, sizeof sizes[0] * (size_t)n);
    sc->nfiles = n;
    sc->budget = budget;
    sc->cancel_at = cancel_at;
    sc->copied = -1;
    sc->rc = 12345;
    int run_rc = cio_test_run(scenario_main, sc);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    cio_expect(sc->b.bad_calls == 0, "a file number out of range was passed to the disk");
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were left pending", (unsigned long long)st->tasks_pending_at_exit);
}

static void expect_no_partial(struct scenario *sc)
{
    for (int i = 0; i < sc->nfiles; i++)
        cio_expect(!sc->b.partial[i],
                   "a partial copy of file %d was left behind: when copy_file() is cut short, "
                   "call remove_partial() for that file", i);
}

/* A cut backup: budget ran out during file `cut`; index written INDEX_TIME later. */
static void expect_cut(struct scenario *sc, int cut)
{
    double deadline = sc->budget;
    cio_expect(sc->rc == -ETIMEDOUT,
               "backup_within() returned %d, expected -ETIMEDOUT (the %.2f s budget ran out "
               "during file %d)", sc->rc, sc->budget, cut);
    cio_expect(sc->copied == cut, "*copied was %d, expected %d (files 0..%d were complete when "
               "the budget ran out)", sc->copied, cut, cut - 1);
    for (int i = cut + 1; i < sc->nfiles; i++)
        cio_expect(!sc->b.started[i], "file %d was started after the deadline (it started at "
                   "%.3f s, the budget ended at %.3f s)", i, sc->b.copy_start[i], deadline);
    expect_no_partial(sc);
    cio_expect(sc->b.index_writes == 1,
               "the index was written %d time(s), expected once, after the deadline%s",
               sc->b.index_writes,
               sc->b.index_cancelled
                   ? ": write_index() returned -ECANCELED — was it still inside the scope? "
                     "Close the scope first: after cio_scope_close() the task runs on"
                   : "");
    cio_expect(sc->b.index_count == cut, "the index listed %d file(s), expected %d",
               sc->b.index_count, cut);
    cio_expect(cio_time_eq(sc->returned, deadline + INDEX_TIME),
               "backup_within() returned at %.3f s, expected %.3f s (the copying stops at the "
               "%.2f s deadline, then 0.05 s for the index)", sc->returned,
               deadline + INDEX_TIME, deadline);
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* Copies of 1.0, 2.0, 1.5, 1.0 s with 3.5 s: the third is cut at 3.5 s. */
static void stops_at_the_deadline(void **state)
{
    (void)state;
    static const double sizes[] = {1.0, 2.0, 1.5, 1.0};
    struct scenario sc;
    run(&sc, sizes, 4, 3.5, 0);
    expect_cut(&sc, 2);
}

/* Four 0.5 s copies with 1.2 s: the budget is for all of them, not for each. */
static void budget_is_for_the_whole_backup(void **state)
{
    (void)state;
    static const double sizes[] = {0.5, 0.5, 0.5, 0.5};
    struct scenario sc;
    run(&sc, sizes, 4, 1.2, 0);
    cio_expect(sc.copied != 4,
               "all 4 files were copied (2.0 s of copying) within a 1.2 s budget: is the deadline "
               "for each copy instead of for the whole backup?");
    expect_cut(&sc, 2);
}

/* Enough time: everything is copied, the index lists all, 0 is returned. */
static void fits_in_the_budget(void **state)
{
    (void)state;
    static const double sizes[] = {0.2, 0.3, 0.25};
    struct scenario sc;
    run(&sc, sizes, 3, 5.0, 0);
    cio_expect(sc.rc == 0, "backup_within() returned %d, expected 0 (0.75 s of copying in a 5 s "
               "budget)", sc.rc);
    cio_expect(sc.copied == 3, "*copied was %d, expected 3", sc.copied);
    cio_expect(sc.b.index_writes == 1 && sc.b.index_count == 3,
               "the index was written %d time(s) listing %d file(s), expected once listing 3",
               sc.b.index_writes, sc.b.index_count);
    cio_expect(cio_time_eq(sc.returned, 0.8),
               "backup_within() returned at %.3f s, expected 0.800 s (0.75 s of copying, 0.05 s "
               "for the index)", sc.returned);
}

#ifdef CIO_HIDDEN_TESTS
/* Cancelled from outside before the budget ends: -ECANCELED at once, no index. */
static void cancelled_from_outside(void **state)
{
    (void)state;
    static const double sizes[] = {1.0, 1.0, 1.0};
    struct scenario sc;
    run(&sc, sizes, 3, 10.0, 1.5);
    cio_expect(sc.rc == -ECANCELED,
               "backup_within() returned %d, expected -ECANCELED: it was cancelled from outside "
               "at 1.5 s, long before its 10 s budget — cio_scope_close() returns 0 then", sc.rc);
    cio_expect(cio_time_eq(sc.returned, 1.5), "backup_within() returned at %.3f s, expected "
               "1.500 s (at once when cancelled from outside)", sc.returned);
    cio_expect(sc.b.index_writes == 0, "the index was written although the backup was cancelled "
               "from outside");
    cio_expect(sc.copied == 1, "*copied was %d, expected 1", sc.copied);
    expect_no_partial(&sc);
}

/* A budget of zero: nothing is copied, an empty index is still written. */
static void zero_budget(void **state)
{
    (void)state;
    static const double sizes[] = {0.5, 0.5};
    struct scenario sc;
    run(&sc, sizes, 2, 0.0, 0);
    expect_cut(&sc, 0);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(stops_at_the_deadline),
    cmocka_unit_test(budget_is_for_the_whole_backup),
    cmocka_unit_test(fits_in_the_budget),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(cancelled_from_outside),
    cmocka_unit_test(zero_budget),
#endif
};
CIO_TEST_MAIN(tests)
