/*
 * ex4_happy_eyeballs_test.c — tests for 04.4: staggered connection attempts (RFC 8305).
 * The simulated network gives each address a latency and an outcome; the tests check
 * the winner, the exact loop time each attempt started and ended, that every loser was
 * cancelled, and that no task or connection is left over.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
struct net;
int happy_eyeballs(struct net *net, int naddrs, double stagger);

/* ---- The simulated network ------------------------------------------------------------- */
#define MAXA    16
#define STAGGER 0.25
#define UNSET   12345

struct net {
    double latency[MAXA];   /* seconds until address i answers */
    int    result[MAXA];    /* what address i answers: 0 (connected) or -errno */
    int    started[MAXA];   /* times try_connect(i) was called */
    double start_at[MAXA];  /* when it was called */
    double end_at[MAXA];    /* when it returned */
    int    outcome[MAXA];   /* what it returned (UNSET: still running or never started) */
    int    open[MAXA];      /* open[i]: a connection to address i is open */
    int    bad;             /* calls with an index out of range or a bad close */
};

int try_connect(struct net *net, int i)
{
    if (i < 0 || i >= MAXA) {
        net->bad++;
        return -EINVAL;
    }
    net->started[i]++;
    net->start_at[i] = cio_now();
    int rc = cio_sleep(net->latency[i]);
    if (rc == 0) rc = net->result[i];
    if (rc == 0) net->open[i] = 1;
    net->outcome[i] = rc;
    net->end_at[i] = cio_now();
    return rc;
}

void close_conn(struct net *net, int i)
{
    if (i < 0 || i >= MAXA || !net->open[i]) {
        net->bad++;
        return;
    }
    net->open[i] = 0;
}

/* ---- Running one race ------------------------------------------------------------------ */
struct race_run {
    struct net net;       /* the network */
    int        n;         /* addresses */
    double     cancel_at; /* > 0: cancel happy_eyeballs() at this time */
    int        rc;        /* what it returned */
    double     ended;     /* when it returned */
};

static int race_task(void *p)
{
    struct race_run *rr = p;
    rr->rc = happy_eyeballs(&rr->net, rr->n, STAGGER);
    rr->ended = cio_now();
    return 0;
}

static int race_main(void *p)
{
    struct race_run *rr = p;
    cio_task *t = cio_spawn(race_task, rr);
    if (rr->cancel_at > 0) {
        cio_sleep(rr->cancel_at);
        cio_cancel(t);
    }
    return cio_await(t);
}

/* Address i: answers `result` after `latency` seconds. */
static void addr(struct race_run *rr, int i, double latency, int result)
{
    rr->net.latency[i] = latency;
    rr->net.result[i] = result;
    if (i >= rr->n) rr->n = i + 1;
}

static void race(struct race_run *rr)
{
    for (int i = 0; i < MAXA; i++) rr->net.outcome[i] = UNSET;
    rr->rc = UNSET;
    int run_rc = cio_test_run(race_main, rr);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    cio_expect(rr->net.bad == 0, "an address out of range was tried, or a connection closed twice");
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu attempt task(s) were still pending when happy_eyeballs() had returned: "
               "wait for every attempt before returning", (unsigned long long)st->tasks_pending_at_exit);
    cio_expect(st->objects_live == 0, "%llu group(s), event(s) or other object(s) were never freed",
               (unsigned long long)st->objects_live);
    for (int i = 0; i < rr->n; i++)
        cio_expect(rr->net.started[i] <= 1, "address %d was tried %d times", i, rr->net.started[i]);
    for (int i = 0; i < rr->n; i++)
        cio_expect(!rr->net.started[i] || rr->net.outcome[i] != UNSET,
                   "the attempt on address %d was still running when happy_eyeballs() returned", i);
}

static void expect_winner(struct race_run *rr, int winner, double at)
{
    cio_expect(rr->rc == winner, "happy_eyeballs() returned %d, expected %d (address %d connects "
               "first, at %.3f s)", rr->rc, winner, winner, at);
    cio_expect(cio_time_eq(rr->ended, at), "happy_eyeballs() returned at %.3f s, expected %.3f s "
               "(when address %d connected)", rr->ended, at, winner);
    for (int i = 0; i < rr->n; i++)
        cio_expect(rr->net.open[i] == (i == winner),
                   "connection to address %d is %s, expected %s", i,
                   rr->net.open[i] ? "open" : "closed", i == winner ? "open (the winner)" : "closed");
}

static void expect_started(struct race_run *rr, int i, double at, const char *why)
{
    cio_expect(rr->net.started[i] == 1, "address %d was never tried, expected an attempt at %.3f s "
               "(%s)", i, at, why);
    cio_expect(cio_time_eq(rr->net.start_at[i], at), "the attempt on address %d started at %.3f s, "
               "expected %.3f s (%s)", i, rr->net.start_at[i], at, why);
}

static void expect_never_started(struct race_run *rr, int i, const char *why)
{
    cio_expect(rr->net.started[i] == 0, "address %d was tried at %.3f s, expected no attempt (%s)",
               i, rr->net.start_at[i], why);
}

static void expect_cancelled(struct race_run *rr, int i, double at)
{
    cio_expect(rr->net.outcome[i] == -ECANCELED && cio_time_eq(rr->net.end_at[i], at),
               "the attempt on address %d ended at %.3f s with %d, expected it cancelled (-ECANCELED) "
               "at %.3f s, when the race was decided", i, rr->net.end_at[i], rr->net.outcome[i], at);
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* Address 0 answers after 1.0 s, address 1 after 0.1 s: 1 starts at 0.25 s and wins. */
static void staggered_second_wins(void **state)
{
    (void)state;
    struct race_run rr = {0};
    addr(&rr, 0, 1.0, 0);
    addr(&rr, 1, 0.1, 0);
    race(&rr);
    expect_started(&rr, 0, 0.0, "the first address is tried at once");
    expect_started(&rr, 1, 0.25, "0.25 s after the first, which had not answered yet");
    expect_winner(&rr, 1, 0.35);
    expect_cancelled(&rr, 0, 0.35);
}

/* Address 0 fails at 0.1 s: address 1 starts then, not at 0.25 s. */
static void failure_starts_the_next_at_once(void **state)
{
    (void)state;
    struct race_run rr = {0};
    addr(&rr, 0, 0.1, -ECONNREFUSED);
    addr(&rr, 1, 0.3, 0);
    addr(&rr, 2, 0.2, 0);
    race(&rr);
    expect_started(&rr, 1, 0.1, "as soon as address 0 failed");
    expect_started(&rr, 2, 0.35, "0.25 s after address 1 started");
    expect_winner(&rr, 1, 0.4);
    expect_cancelled(&rr, 2, 0.4);
}

/* Every address fails: the error of the last failure comes back when it fails. */
static void all_fail(void **state)
{
    (void)state;
    struct race_run rr = {0};
    addr(&rr, 0, 0.5, -ECONNREFUSED);
    addr(&rr, 1, 0.1, -EHOSTUNREACH);
    addr(&rr, 2, 0.2, -ENETUNREACH);
    race(&rr);
    expect_started(&rr, 1, 0.25, "0.25 s after address 0 started");
    expect_started(&rr, 2, 0.35, "as soon as address 1 failed");
    cio_expect(rr.rc == -ENETUNREACH, "happy_eyeballs() returned %d, expected %d (-ENETUNREACH, the "
               "error of address 2, the last to fail)", rr.rc, -ENETUNREACH);
    cio_expect(cio_time_eq(rr.ended, 0.55), "happy_eyeballs() returned at %.3f s, expected 0.550 s "
               "(when the last attempt failed)", rr.ended);
}

#ifdef CIO_HIDDEN_TESTS
/* A fast first answer: no second attempt at all. A slow failure: the stagger decides. */
static void first_answer_decides(void **state)
{
    (void)state;
    struct race_run rr = {0};
    addr(&rr, 0, 0.1, 0);
    addr(&rr, 1, 0.01, 0);
    race(&rr);
    expect_winner(&rr, 0, 0.1);
    expect_never_started(&rr, 1, "address 0 connected at 0.1 s, before the 0.25 s stagger");

    struct race_run slow = {0};
    addr(&slow, 0, 0.3, -ECONNREFUSED);
    addr(&slow, 1, 0.1, 0);
    race(&slow);
    expect_started(&slow, 1, 0.25, "the stagger passed before address 0 failed at 0.3 s");
    expect_winner(&slow, 1, 0.35);
}

/* The caller gives up at 0.6 s: all three attempts are cancelled then. */
static void caller_cancelled(void **state)
{
    (void)state;
    struct race_run rr = {.cancel_at = 0.6};
    for (int i = 0; i < 3; i++) addr(&rr, i, 5.0, 0);
    race(&rr);
    cio_expect(rr.rc == -ECANCELED, "happy_eyeballs() returned %d, expected -ECANCELED (it was "
               "cancelled at 0.6 s)", rr.rc);
    cio_expect(cio_time_eq(rr.ended, 0.6), "happy_eyeballs() returned at %.3f s, expected 0.600 s",
               rr.ended);
    for (int i = 0; i < 3; i++) {
        expect_started(&rr, i, 0.25 * i, "one stagger after the previous");
        expect_cancelled(&rr, i, 0.6);
    }
}

/* Ten addresses, only the seventh fast: it starts at 1.5 s and wins at 1.7 s. */
static void ten_addresses(void **state)
{
    (void)state;
    struct race_run rr = {0};
    for (int i = 0; i < 10; i++) addr(&rr, i, 3.0, 0);
    rr.net.latency[6] = 0.2;
    race(&rr);
    for (int i = 0; i <= 6; i++) expect_started(&rr, i, 0.25 * i, "one stagger after the previous");
    expect_never_started(&rr, 7, "address 6 connected at 1.7 s, before its turn at 1.75 s");
    expect_winner(&rr, 6, 1.7);
    for (int i = 0; i < 6; i++) expect_cancelled(&rr, i, 1.7);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(staggered_second_wins),
    cmocka_unit_test(failure_starts_the_next_at_once),
    cmocka_unit_test(all_fail),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(first_answer_decides),
    cmocka_unit_test(caller_cancelled),
    cmocka_unit_test(ten_addresses),
#endif
};
CIO_TEST_MAIN(tests)
