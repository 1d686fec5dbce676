/*
 * ex5_tally_test.c — tests of exercise 06.5 (tally_bytes): exact byte counts from
 * executor jobs that really run in parallel, with no data race between them.
 *
 * Built with -fsanitize=thread (the manifest's cflags). ThreadSanitizer watches every
 * memory access of the jobs; halt_on_error=1 (below) makes it stop the process at the
 * first race it finds, so a racy solution fails even when its counts come out right.
 * The scans really overlap in time: each waits briefly for another to be running
 * before it counts, with relaxed atomics that order nothing between the threads.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__SANITIZE_THREAD__)
#define BUILT_WITH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BUILT_WITH_TSAN 1
#endif
#endif
#ifndef BUILT_WITH_TSAN
#define BUILT_WITH_TSAN 0
#endif

/* ThreadSanitizer reads its options from this function before main() runs. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "halt_on_error=1:report_thread_leaks=0";
}

/* ThreadSanitizer calls this after printing each report (just before it stops us). */
void __tsan_on_report(void *report);
void __tsan_on_report(void *report)
{
    (void)report;
    fputs("\n06.5: ThreadSanitizer found a data race (report above): two threads touched "
          "the same memory, at least one of them writing, and nothing ordered the two "
          "accesses. Look at the two stacks: which variable do both jobs write? The test "
          "stops here and fails.\n", stderr);
}

/* ---- The learner's side (keep in step with ex5_tally.c) -------------------------- */

struct tally {
    const unsigned char *data;   /* the bytes to count; read-only, shared by every job */
    size_t               len;    /* how many bytes */
    size_t               chunks; /* split data into this many pieces, one job each */
    void               (*scan)(const unsigned char *p, size_t n, unsigned long counts[256]); /* the test's */
    unsigned long        counts[256]; /* the result */
};

int tally_bytes(struct tally *t);

/* ---- The scan the tests plug in: slow, and made to overlap with the others -------- */

enum { MAX_SCANS = 64 };

struct scan_log {                   /* written by the jobs through relaxed atomics only */
    unsigned    arrived;            /* scans that reached the meeting point so far */
    unsigned    calls;              /* scans started so far */
    unsigned    want_together;      /* a scan waits until this many run at once... */
    unsigned    patience_ms;        /* ...or this many real milliseconds pass */
    unsigned    lonely;             /* scans that gave up waiting */
    const unsigned char *start[MAX_SCANS]; /* where each scan started (slot per call) */
    size_t      len[MAX_SCANS];     /* how long each scan was */
};

static struct scan_log scans; /* one test at a time per process */

static double real_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void scan(const unsigned char *p, size_t n, unsigned long counts[256])
{
    unsigned slot = __atomic_fetch_add(&scans.calls, 1, __ATOMIC_RELAXED);
    if (slot < MAX_SCANS) {
        scans.start[slot] = p;
        scans.len[slot] = n;
    }
    cio_block_for(1.0); /* the slow part: 1.0 s of loop time per chunk */
    /* Wait until want_together scans have arrived here: those that wait together were
       all started before any of them finished, so their counting below overlaps. */
    unsigned arrived = __atomic_add_fetch(&scans.arrived, 1, __ATOMIC_RELAXED);
    double give_up = real_now() + 0.001 * __atomic_load_n(&scans.patience_ms, __ATOMIC_RELAXED);
    while (arrived < __atomic_load_n(&scans.want_together, __ATOMIC_RELAXED)) {
        if (real_now() > give_up) {
            __atomic_fetch_add(&scans.lonely, 1, __ATOMIC_RELAXED);
            break;
        }
        nanosleep(&(struct timespec){0, 1000000}, NULL);
        arrived = __atomic_load_n(&scans.arrived, __ATOMIC_RELAXED);
    }
    for (size_t i = 0; i < n; i++)
        counts[p[i]]++;
}

/* ---- Running tally_bytes ----------------------------------------------------------- */

struct call {
    struct tally t;  /* what tally_bytes gets */
    int          rc; /* what it returned */
};

static int call_main(void *arg)
{
    struct call *c = arg;
    c->rc = tally_bytes(&c->t);
    return 0;
}

static void fill(unsigned char *buf, size_t len, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned char b = (unsigned char)(x >> 56);
        buf[i] = (x >> 40) % 5 == 0 ? 'e' : b; /* some bytes far more common than others */
    }
}

/* Run tally_bytes over data with @p threads executor threads; check the counts. */
static struct call *run_tally(const unsigned char *data, size_t len, size_t chunks,
                              unsigned threads, unsigned want_together, unsigned patience_ms)
{
    static struct call c;
    cio_expect(BUILT_WITH_TSAN,
               "these tests must be built with -fsanitize=thread (the manifest's cflags); "
               "run them with `build/cio-grade check 06.5`");
    memset(&scans, 0, sizeof scans);
    scans.want_together = want_together;
    scans.patience_ms = patience_ms;
    memset(&c, 0, sizeof c);
    c.t = (struct tally){data, len, chunks, scan, {0}};
    for (size_t b = 0; b < 256; b++)
        c.t.counts[b] = 777; /* tally_bytes must start from zero */
    c.rc = 99;
    cio_config cfg = {.executor_threads = threads};
    int rc = cio_test_run_with(call_main, &c, &cfg);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    cio_expect(c.rc == 0, "tally_bytes returned %d (%s), expected 0", c.rc, strerror(-c.rc));
    unsigned long expect[256] = {0};
    for (size_t i = 0; i < len; i++)
        expect[data[i]]++;
    for (size_t b = 0; b < 256; b++)
        cio_expect(c.t.counts[b] == expect[b],
                   "byte 0x%02zx was counted %lu times; it occurs %lu times in the data%s", b,
                   c.t.counts[b], expect[b],
                   c.t.counts[b] < expect[b] ? ": increments were lost, as when two threads "
                                               "add to one counter at once" : "");
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->objects_live == 0,
               "%llu task(s) left running and %llu object(s) unfreed",
               (unsigned long long)st->tasks_pending_at_exit,
               (unsigned long long)st->objects_live);
    return &c;
}

static unsigned char big[1 << 20]; /* test data; filled per case */

/* ---- Visible cases ---------------------------------------------------------------- */

static void counts_are_exact(void **state)
{
    (void)state;
    fill(big, sizeof big, 1);
    run_tally(big, sizeof big, 8, 4, 2, 200);
    unsigned calls = __atomic_load_n(&scans.calls, __ATOMIC_RELAXED);
    cio_expect(calls == 8, "scan was called %u times for 8 chunks; expected 8", calls);
}

static void chunks_overlap(void **state)
{
    (void)state;
    fill(big, 4096, 2);
    run_tally(big, 4096, 4, 4, 4, 3000); /* each job waits until all four run at once */
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 1.0),
               "4 chunks of 1.0 s each on 4 executor threads took %.1f s of loop time; "
               "expected 1.0 s: start every job before waiting for any", took);
    cio_expect(cio_test_stats()->executor_jobs == 4,
               "%llu executor job(s) ran; expected one per chunk (4)",
               (unsigned long long)cio_test_stats()->executor_jobs);
}

static void uneven_chunks(void **state)
{
    (void)state;
    const size_t len = 100003, chunks = 7;
    fill(big, len, 3);
    run_tally(big, len, chunks, 3, 2, 200);
    unsigned calls = __atomic_load_n(&scans.calls, __ATOMIC_RELAXED);
    cio_expect(calls == chunks, "scan was called %u times for %zu chunks", calls, chunks);
    for (size_t k = 0; k < chunks; k++) {
        const unsigned char *begin = big + k * len / chunks;
        size_t n = (k + 1) * len / chunks - k * len / chunks;
        int found = 0;
        for (unsigned s = 0; s < calls && s < MAX_SCANS; s++)
            found |= scans.start[s] == begin && scans.len[s] == n;
        cio_expect(found, "no scan covered chunk %zu (bytes %zu .. %zu of %zu)", k,
                   k * len / chunks, (k + 1) * len / chunks, len);
    }
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

static void scans_really_run_in_parallel(void **state)
{
    (void)state;
    fill(big, 65536, 4);
    run_tally(big, 65536, 2, 2, 2, 5000);
    unsigned lonely = __atomic_load_n(&scans.lonely, __ATOMIC_RELAXED);
    cio_expect(lonely == 0,
               "the two scans never ran at the same time: each waited 5 s for the other. "
               "Are the jobs serialized (one lock around the whole scan, or each job awaited "
               "before the next starts)?");
}

static void tiny_and_empty_inputs(void **state)
{
    (void)state;
    static const unsigned char eight[] = "aaaaaaaa";
    run_tally(eight, 8, 4, 4, 4, 3000); /* four tiny jobs, all running at once */
    static const unsigned char five[] = "aaaaa";
    run_tally(five, 5, 8, 4, 1, 0);     /* more chunks than bytes: some are empty */
    run_tally(five, 0, 3, 2, 1, 0);     /* nothing at all */
    static struct call none;
    none.t = (struct tally){five, 5, 0, scan, {0}};
    none.rc = 99;
    int rc = cio_test_run(call_main, &none);
    cio_expect(rc == 0 && none.rc == -EINVAL, "tally_bytes with 0 chunks returned %d; expected "
               "-EINVAL", none.rc);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(counts_are_exact),
    cmocka_unit_test(chunks_overlap),
    cmocka_unit_test(uneven_chunks),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(scans_really_run_in_parallel),
    cmocka_unit_test(tiny_and_empty_inputs),
#endif
};

CIO_TEST_MAIN(tests)
