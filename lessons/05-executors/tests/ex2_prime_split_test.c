/*
 * ex2_prime_split_test.c — tests for 05.2: counting primes in parallel on the executor.
 * count_primes() really computes, and charges 10 µs of loop time per number with
 * cio_block_for(), so that the tests can check exactly how long the counting took,
 * whether the chunks overlapped, and whether the loop stayed free meanwhile.
 */
#include "cio_test.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
int count_primes_parallel(long lo, long hi, int parts, long *count);

/* ---- The computation ------------------------------------------------------------------ */
#define COST    10e-6   /* loop seconds charged per number */
#define MAXCALL 64

static pthread_t       loop_thread;            /* the thread running cio_run() */
static pthread_mutex_t calls_mu = PTHREAD_MUTEX_INITIALIZER; /* guards the call log */
static struct { long lo, hi; } calls[MAXCALL]; /* the ranges count_primes() was asked for */
static int             ncalls;                 /* how many calls (may exceed MAXCALL) */
static int             calls_on_loop;          /* calls made on the loop thread */

static int is_prime(long n)
{
    if (n < 2) return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0) return 0;
    return 1;
}

long count_primes(long lo, long hi)
{
    pthread_mutex_lock(&calls_mu);
    if (ncalls < MAXCALL) calls[ncalls].lo = lo, calls[ncalls].hi = hi;
    ncalls++;
    if (pthread_equal(pthread_self(), loop_thread)) calls_on_loop++;
    pthread_mutex_unlock(&calls_mu);
    long count = 0;
    for (long n = lo; n < hi; n++) count += is_prime(n);
    if (hi > lo) cio_block_for((double)(hi - lo) * COST);
    return count;
}

static long reference_count(long lo, long hi)
{
    long count = 0;
    for (long n = lo; n < hi; n++) count += is_prime(n);
    return count;
}

/* ---- Running one count ---------------------------------------------------------------- */
#define BEAT 0.05

struct job {
    long   lo, hi;       /* the range */
    int    parts;        /* into how many parts */
    long   count;        /* the answer it gave */
    int    rc;           /* what count_primes_parallel() returned */
    int    beats;        /* > 0: run a heartbeat every BEAT s, this many times */
    double ticks[64];    /* when the heartbeats came */
    int    nticks;       /* how many came */
};

static int heartbeat(void *p)
{
    struct job *j = p;
    for (int k = 1; k <= j->beats && k <= 64; k++) {
        if (cio_sleep_until(k * BEAT) < 0) break;
        j->ticks[j->nticks++] = cio_now();
    }
    return 0;
}

static int count_main(void *p)
{
    struct job *j = p;
    loop_thread = pthread_self();
    cio_task *hb = j->beats ? cio_spawn(heartbeat, j) : NULL;
    j->count = -1;
    j->rc = count_primes_parallel(j->lo, j->hi, j->parts, &j->count);
    if (hb) cio_await(hb);
    return 0;
}

/* Count [lo, hi) in `parts` on `threads` executor threads; check the answer and that
 * the chunks tiled the range exactly, off the loop. */
static void count(struct job *j, long lo, long hi, int parts, unsigned threads)
{
    j->lo = lo, j->hi = hi, j->parts = parts;
    ncalls = 0, calls_on_loop = 0;
    cio_config cfg = {.executor_threads = threads};
    int run_rc = cio_test_run_with(count_main, j, &cfg);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    if (parts < 1 || hi < lo) return;
    cio_expect(j->rc == 0, "count_primes_parallel(%ld, %ld, %d parts) returned %d, expected 0", lo,
               hi, parts, j->rc);
    long want = reference_count(lo, hi);
    cio_expect(j->count == want, "count_primes_parallel(%ld, %ld, %d parts) counted %ld primes, "
               "expected %ld", lo, hi, parts, j->count, want);
    cio_expect(calls_on_loop == 0, "count_primes() ran on the loop thread %d time(s): while it "
               "computes, no other task runs — count in executor jobs", calls_on_loop);
    cio_expect(ncalls <= MAXCALL, "count_primes() was called %d times for %d parts", ncalls, parts);
    long covered = 0;
    for (int i = 0; i < ncalls; i++) covered += calls[i].hi - calls[i].lo;
    cio_expect(covered == hi - lo, "the chunks covered %ld numbers in all, expected %ld (every "
               "number of [%ld, %ld) exactly once)", covered, hi - lo, lo, hi);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were left pending", (unsigned long long)st->tasks_pending_at_exit);
}

static long largest_chunk(void)
{
    long m = 0;
    for (int i = 0; i < ncalls && i < MAXCALL; i++)
        if (calls[i].hi - calls[i].lo > m) m = calls[i].hi - calls[i].lo;
    return m;
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* The right answer for several ranges and numbers of parts, computed off the loop. */
static void counts_correctly(void **state)
{
    (void)state;
    struct job j;
    static const struct { long lo, hi; int parts; } cases[] = {
        {0, 1000, 4}, {100, 200, 7}, {1, 2, 3}, {0, 100000, 5}, {50, 50, 2}, {2, 3, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&j, 0, sizeof j);
        count(&j, cases[i].lo, cases[i].hi, cases[i].parts, 4);
    }
}

/* Four parts on four threads: 200,000 numbers take 0.5 s of loop time, not 2.0 s. */
static void parts_run_in_parallel(void **state)
{
    (void)state;
    struct job j = {0};
    count(&j, 0, 200000, 4, 4);
    cio_expect(ncalls == 4, "count_primes() was called %d times for 4 parts, expected 4", ncalls);
    cio_expect(cio_time_eq(cio_test_elapsed(), 0.5),
               "counting took %.3f s of loop time; four parts of 50,000 numbers on four threads "
               "take 0.500 s (one part's time) if they run at the same time%s", cio_test_elapsed(),
               cio_time_eq(cio_test_elapsed(), 2.0) ? " — they ran one after another" : "");
}

/* A heartbeat every 0.05 s keeps time while two parts are counted. */
static void loop_stays_responsive(void **state)
{
    (void)state;
    struct job j = {.beats = 10};
    count(&j, 0, 100000, 2, 2);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->longest_step < 1e-9, "task '%s' ran %.3f s without letting the loop run",
               st->longest_step_task, st->longest_step);
    cio_expect(j.nticks == 10, "the heartbeat ticked %d times, expected 10", j.nticks);
    for (int k = 0; k < j.nticks; k++)
        cio_expect(cio_time_eq(j.ticks[k], BEAT * (k + 1)), "heartbeat %d came at %.3f s, expected "
                   "%.3f s", k + 1, j.ticks[k], BEAT * (k + 1));
    cio_expect(cio_time_eq(cio_test_elapsed(), 0.5), "counting took %.3f s of loop time, expected "
               "0.500 s (two parts of 50,000 numbers at once)", cio_test_elapsed());
}

#ifdef CIO_HIDDEN_TESTS
/* 1,003 numbers in 4 parts: 251, 251, 251, 250 — not 250, 250, 250, 253. */
static void parts_are_balanced(void **state)
{
    (void)state;
    struct job j = {0};
    count(&j, 0, 1003, 4, 4);
    cio_expect(largest_chunk() == 251, "the largest part had %ld numbers, expected 251: parts "
               "should differ by at most one number, so that no thread works longer than needed",
               largest_chunk());
    cio_expect(cio_time_eq(cio_test_elapsed(), 251 * COST), "counting took %.6f s, expected "
               "%.6f s (the largest part, 251 numbers)", cio_test_elapsed(), 251 * COST);
    memset(&j, 0, sizeof j);
    count(&j, 0, 10, 4, 4);
    cio_expect(largest_chunk() == 3, "10 numbers in 4 parts: the largest part had %ld, expected 3 "
               "(3, 3, 2, 2)", largest_chunk());
}

/* Six parts on 1, 2, 3 and 8 threads: right answer, and the time the pool allows. */
static void any_core_count(void **state)
{
    (void)state;
    static const unsigned threads[] = {1, 2, 3, 8};
    static const double want[] = {0.6, 0.3, 0.2, 0.1};
    for (int i = 0; i < 4; i++) {
        struct job j = {0};
        count(&j, 0, 60000, 6, threads[i]);
        cio_expect(cio_time_eq(cio_test_elapsed(), want[i]), "six parts of 10,000 numbers on %u "
                   "executor thread(s) took %.3f s, expected %.3f s", threads[i],
                   cio_test_elapsed(), want[i]);
    }
}

/* Nonsense in, -EINVAL out, and no work done. */
static void bad_arguments(void **state)
{
    (void)state;
    struct job j = {0};
    count(&j, 0, 100, 0, 2);
    cio_expect(j.rc == -EINVAL, "count_primes_parallel(0, 100, 0 parts) returned %d, expected "
               "-EINVAL", j.rc);
    memset(&j, 0, sizeof j);
    count(&j, 100, 0, 4, 2);
    cio_expect(j.rc == -EINVAL, "count_primes_parallel(100, 0, 4 parts) returned %d, expected "
               "-EINVAL (hi < lo)", j.rc);
    cio_expect(ncalls == 0, "count_primes() was called %d time(s) for an invalid range", ncalls);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(counts_correctly),
    cmocka_unit_test(parts_run_in_parallel),
    cmocka_unit_test(loop_stays_responsive),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(parts_are_balanced),
    cmocka_unit_test(any_core_count),
    cmocka_unit_test(bad_arguments),
#endif
};
CIO_TEST_MAIN(tests)
