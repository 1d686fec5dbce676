/*
 * ex2_polite_test.c — tests of exercise 06.2 (crawl_all): fetches overlap within both
 * limits, never beyond either; a URL waiting for its busy host holds no slot another
 * host could use; failures give their slots back; nothing is left behind.
 *
 * Fetches are simulated with cio_sleep under the virtual clock, so times are exact; the
 * schedule is pinned to the default FIFO one (seed 0), under which tasks first run in
 * the order they were spawned.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- The learner's side (keep in step with ex2_polite.c) ------------------------- */

typedef int (*fetch_fn)(void *ctx, size_t i);

struct crawl {
    size_t        n;        /* URLs to fetch, numbered 0 .. n-1 */
    const size_t *host;     /* host[i]: the host of URL i, 0 .. hosts-1 */
    size_t        hosts;    /* how many hosts */
    unsigned      per_host; /* at most this many fetches from one host at a time */
    unsigned      total;    /* at most this many fetches at a time, all hosts together */
    fetch_fn      fetch;    /* the fetcher */
    void         *ctx;      /* passed to fetch */
    int          *status;   /* status[i] receives fetch(ctx, i)'s result */
};

int crawl_all(const struct crawl *c);

/* ---- Simulated hosts ------------------------------------------------------------------ */

enum { MAX_URLS = 64, MAX_HOSTS = 16 };

struct web {
    size_t   host[MAX_URLS];         /* the host of each URL */
    double   seconds[MAX_URLS];      /* how long fetching each takes */
    int      result[MAX_URLS];       /* what fetching each returns */
    unsigned calls[MAX_URLS];        /* how often each was fetched */
    unsigned busy[MAX_HOSTS];        /* fetches running per host */
    unsigned most_busy[MAX_HOSTS];   /* the most that ever ran per host */
    unsigned running;                /* fetches running in all */
    unsigned most_running;           /* the most that ever ran in all */
};

static int fetch(void *ctx, size_t i)
{
    struct web *w = ctx;
    size_t h = w->host[i];
    w->calls[i]++;
    if (++w->busy[h] > w->most_busy[h])
        w->most_busy[h] = w->busy[h];
    if (++w->running > w->most_running)
        w->most_running = w->running;
    int rc = cio_sleep(w->seconds[i]);
    w->busy[h]--;
    w->running--;
    return rc ? rc : w->result[i];
}

struct call {
    struct crawl c;                 /* what crawl_all gets */
    int          status[MAX_URLS];  /* its status array */
    int          rc;                /* what it returned */
};

static int call_main(void *arg)
{
    struct call *k = arg;
    for (size_t i = 0; i < MAX_URLS; i++)
        k->status[i] = 12345; /* so that a status never written shows */
    k->rc = crawl_all(&k->c);
    return 0;
}

/* Run a crawl; check what every case checks: it ran, each URL was fetched once, the
   limits held, nothing was left behind. */
static struct call *run_crawl(struct web *w, size_t n, size_t hosts, unsigned per_host,
                              unsigned total, unsigned fetches_each)
{
    static struct call k;
    memset(&k, 0, sizeof k);
    k.c = (struct crawl){n, w->host, hosts, per_host, total, fetch, w, k.status};
    /* The exact times below assume FIFO order (tasks first run in the order they were
       spawned); a shuffled schedule changes which URL gets a freed slot first. */
    unsetenv("CIO_SEED");
    int rc = cio_test_run(call_main, &k);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0,
               "%llu task(s) were still running when crawl_all returned: await or gather "
               "every task you spawn", (unsigned long long)st->tasks_pending_at_exit);
    cio_expect(st->objects_live == 0, "%llu semaphore/lock/queue object(s) were never freed",
               (unsigned long long)st->objects_live);
    for (size_t i = 0; i < n; i++)
        cio_expect(w->calls[i] == fetches_each, "URL %zu was fetched %u times; expected %s", i,
                   w->calls[i], fetches_each ? "once" : "none (the arguments are invalid)");
    cio_expect(w->most_running <= total, "%u fetches ran at the same time; the total limit "
               "is %u", w->most_running, total);
    for (size_t h = 0; h < hosts; h++)
        cio_expect(w->most_busy[h] <= per_host, "%u fetches from host %zu ran at the same "
                   "time; the limit per host is %u", w->most_busy[h], h, per_host);
    return &k;
}

/* ---- Visible cases ---------------------------------------------------------------- */

static void never_over_either_limit(void **state)
{
    (void)state;
    struct web w = {0};
    for (size_t i = 0; i < 30; i++) {
        w.host[i] = (i * 7) % 4;
        w.seconds[i] = 1.0;
    }
    struct call *k = run_crawl(&w, 30, 4, 2, 5, 1);
    cio_expect(w.most_running == 5,
               "at most %u fetch(es) ran at once; with 30 URLs on 4 hosts, 2 per host and 5 "
               "in all, five should run side by side", w.most_running);
    cio_expect(k->rc == 0, "every fetch succeeded, but crawl_all returned %d", k->rc);
    for (size_t i = 0; i < 30; i++)
        cio_expect(k->status[i] == 0, "status[%zu] is %d; the fetch returned 0", i,
                   k->status[i]);
}

static void total_time_is_exact(void **state)
{
    (void)state;
    struct web w = {0};
    for (size_t i = 0; i < 10; i++) {
        w.host[i] = i; /* ten hosts: only the total limit (3) matters */
        w.seconds[i] = 1.0;
    }
    run_crawl(&w, 10, 10, 2, 3, 1);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 4.0),
               "10 fetches of 1.0 s from 10 hosts, 3 at a time in all, took %.1f s of loop "
               "time; expected 4.0 s (3 + 3 + 3 + 1: four rounds)%s", took,
               took > 9.9 ? ". They ran one after another." : "");

    struct web one = {0};
    for (size_t i = 0; i < 8; i++)
        one.seconds[i] = 1.0; /* eight URLs on host 0: only the per-host limit (2) matters */
    run_crawl(&one, 8, 1, 2, 5, 1);
    took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 4.0),
               "8 fetches of 1.0 s from one host, 2 at a time per host, took %.1f s; "
               "expected 4.0 s", took);
}

/* URLs 0-3 on host 0, URL 4 on host 1, URL 5 on host 2; 2 per host, 3 in all, 1.0 s
   each. At 0.0 s URLs 0, 1 and 4 can run; URL 5 can take the third slot as soon as it
   frees — but only if URLs 2 and 3, waiting for host 0, hold no slot meanwhile. */
static void waiting_for_a_host_holds_no_slot(void **state)
{
    (void)state;
    struct web w = {.host = {0, 0, 0, 0, 1, 2}, .seconds = {1, 1, 1, 1, 1, 1}};
    run_crawl(&w, 6, 3, 2, 3, 1);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 2.0),
               "URLs on hosts 0, 0, 0, 0, 1, 2 (1.0 s each, 2 per host, 3 in all) took %.1f s "
               "of loop time; expected 2.0 s: 0, 1 and 4 first, then 2, 3 and 5.%s", took,
               cio_time_eq(took, 3.0) ? " 3.0 s means a URL waiting for host 0 held a slot "
                                        "(or blocked the URLs after it) that URL 5 could have "
                                        "used." : "");
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

static void failures_release_their_slots(void **state)
{
    (void)state;
    struct web w = {0};
    for (size_t i = 0; i < 12; i++) {
        w.host[i] = i % 3;
        w.seconds[i] = 0.5 + 0.25 * (double)(i % 4);
        w.result[i] = i % 4 == 1 ? -EIO : 0;
    }
    w.result[0] = -ETIMEDOUT;
    struct call *k = run_crawl(&w, 12, 3, 1, 2, 1);
    cio_expect(k->rc == -ETIMEDOUT,
               "URL 0 failed with -ETIMEDOUT and URLs 1, 5 and 9 with -EIO; the first error in "
               "index order is -ETIMEDOUT, but crawl_all returned %d", k->rc);
    for (size_t i = 0; i < 12; i++)
        cio_expect(k->status[i] == w.result[i], "status[%zu] is %d; the fetch returned %d", i,
                   k->status[i], w.result[i]);
    cio_expect(w.most_running == 2, "at most %u fetch(es) ran at once; with failures giving "
               "their slots back, 2 should", w.most_running);
}

static void small_jobs_and_bad_limits(void **state)
{
    (void)state;
    struct web w = {.host = {0, 1, 2, 3, 4}, .seconds = {0.5, 2.0, 1.5, 0.25, 1.0}};
    run_crawl(&w, 5, 5, 4, 10, 1);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 2.0),
               "5 fetches (0.5, 2.0, 1.5, 0.25, 1.0 s) on 5 hosts with generous limits took "
               "%.2f s; expected 2.00 s, the slowest one", took);

    struct web none = {0};
    struct call *k = run_crawl(&none, 3, 1, 0, 4, 0);
    cio_expect(k->rc == -EINVAL, "a limit of 0 per host: crawl_all returned %d; expected "
               "-EINVAL", k->rc);
    k = run_crawl(&none, 3, 1, 2, 0, 0);
    cio_expect(k->rc == -EINVAL, "a total limit of 0: crawl_all returned %d; expected "
               "-EINVAL", k->rc);
    struct web bad = {.host = {0, 3, 1}};
    k = run_crawl(&bad, 3, 2, 1, 1, 0);
    cio_expect(k->rc == -EINVAL, "URL 1 names host 3 of 2: crawl_all returned %d; expected "
               "-EINVAL", k->rc);
    k = run_crawl(&none, 0, 1, 1, 1, 0);
    cio_expect(k->rc == 0, "crawling 0 URLs returned %d; expected 0", k->rc);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(never_over_either_limit),
    cmocka_unit_test(total_time_is_exact),
    cmocka_unit_test(waiting_for_a_host_holds_no_slot),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(failures_release_their_slots),
    cmocka_unit_test(small_jobs_and_bad_limits),
#endif
};

CIO_TEST_MAIN(tests)
