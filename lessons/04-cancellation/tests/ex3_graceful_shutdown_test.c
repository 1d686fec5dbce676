/*
 * ex3_graceful_shutdown_test.c — tests for 04.3: a service whose workers all stop when
 * it is cancelled or when one of them fails, followed by a flush of the log that must
 * complete (it is shielded) but may not take more than 2.0 s. Workers and flush are
 * simulated with sleeps, so every time below is exact loop time.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
struct service;
int run_service(struct service *sv, int nworkers);

/* ---- The simulated service --------------------------------------------------------------- */
#define MAXW        64
#define FLUSH_LIMIT 2.0

struct service {
    double period[MAXW];        /* seconds each request of worker i takes */
    int    fail_after[MAXW];    /* worker i returns -EIO after this many requests; 0: never */
    double flush_time;          /* seconds flush_log() takes */
    int    started[MAXW];       /* times worker i entered worker_loop() */
    int    running;             /* workers inside worker_loop() now */
    int    bad_ids;             /* worker_loop() calls with an id out of range */
    int    records;             /* log records buffered, not yet flushed */
    int    records_total;       /* log records ever produced */
    int    flush_begun;         /* 1 once flush_log() was called */
    int    records_after_flush; /* records produced after a flush began (they are lost) */
    int    flushes_while_running; /* flush_log() calls made while a worker still ran */
    int    flushes_done;        /* flush_log() calls that completed */
    int    flushes_cancelled;   /* flush_log() calls cut short */
    int    flushed;             /* records written by completed flushes */
    double flush_done_at;       /* when the last flush completed */
};

int worker_loop(struct service *sv, int id)
{
    if (id < 0 || id >= MAXW) {
        sv->bad_ids++;
        return -EINVAL;
    }
    sv->started[id]++;
    sv->running++;
    int served = 0, rc;
    for (;;) {
        rc = cio_sleep(sv->period[id]);
        if (rc < 0) break;
        if (sv->flush_begun) sv->records_after_flush++;
        sv->records++;
        sv->records_total++;
        if (++served == sv->fail_after[id]) {
            rc = -EIO;
            break;
        }
    }
    sv->running--;
    return rc;
}

int flush_log(struct service *sv)
{
    sv->flush_begun = 1;
    if (sv->running) sv->flushes_while_running++;
    int pending = sv->records;
    int rc = cio_sleep(sv->flush_time);
    if (rc < 0) {
        sv->flushes_cancelled++;
        return rc;
    }
    sv->records -= pending;
    sv->flushed += pending;
    sv->flushes_done++;
    sv->flush_done_at = cio_now();
    return 0;
}

/* ---- Running one scenario ------------------------------------------------------------ */
struct scenario {
    struct service sv;        /* the service */
    int            nworkers;  /* passed to run_service() */
    double         cancel_at; /* when the test cancels the service; <0: never; 0: at once */
    int            rc;        /* what run_service() returned */
    int            returned;  /* 1 once it returned */
    double         ended;     /* loop time when it returned */
    int            wait_rc;   /* how waiting for it ended (-ETIMEDOUT: it never returned) */
};

static int service_task(void *p)
{
    struct scenario *sc = p;
    sc->rc = run_service(&sc->sv, sc->nworkers);
    sc->returned = 1;
    sc->ended = cio_now();
    return 0;
}

static int scenario_main(void *p)
{
    struct scenario *sc = p;
    cio_task *t = cio_spawn(service_task, sc);
    if (sc->cancel_at >= 0) {
        if (sc->cancel_at > 0) cio_sleep(sc->cancel_at);
        cio_cancel(t);
    }
    sc->wait_rc = cio_wait_for(t, 60.0); /* a service that never stops is cut off here */
    return 0;
}

static void run(struct scenario *sc)
{
    sc->rc = 12345;
    int run_rc = cio_test_run(scenario_main, sc);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    cio_expect(sc->rc != -ENOSYS, "run_service() returned -ENOSYS: it is still the stub (see the "
               "TODO in ex3_graceful_shutdown.c)");
    cio_expect(sc->sv.bad_ids == 0, "worker_loop() was called with an id out of range");
    cio_expect(sc->wait_rc != -ETIMEDOUT && sc->returned,
               "run_service() had not returned after 60 s of loop time (%d worker(s) still "
               "serving): did every worker stop? A task group cancels the others when one "
               "fails, and all of them when the task waiting for it is cancelled",
               sc->sv.running);
    for (int i = 0; i < sc->nworkers; i++) {
        /* A service cancelled before it ran may start no worker at all; else each once. */
        int want_once = sc->cancel_at != 0 || sc->sv.started[i] != 0;
        cio_expect(!want_once || sc->sv.started[i] == 1,
                   "worker %d was started %d time(s), expected once", i, sc->sv.started[i]);
    }
    cio_expect(sc->sv.running == 0, "%d worker(s) were still running after run_service() returned",
               sc->sv.running);
    cio_expect(sc->sv.flushes_while_running == 0 && sc->sv.records_after_flush == 0,
               "the flush began while workers were still serving (%d record(s) came in after it "
               "began and were lost): wait until every worker has returned, then flush",
               sc->sv.records_after_flush);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were still pending when the test's main returned",
               (unsigned long long)st->tasks_pending_at_exit);
    cio_expect(st->objects_live == 0, "%llu group(s) or other object(s) were never freed: "
               "cio_group_wait() frees the group", (unsigned long long)st->objects_live);
}

/* The flush completed and wrote every record the workers produced. */
static void expect_flushed(struct scenario *sc, double done_at)
{
    cio_expect(sc->sv.flushes_done == 1,
               "the log was flushed %d time(s) to completion, expected once%s",
               sc->sv.flushes_done,
               sc->sv.flushes_cancelled
                   ? ": flush_log() returned -ECANCELED — a cancelled task's waits all fail at "
                     "once, except inside a shielded scope"
                   : "");
    cio_expect(sc->sv.flushed == sc->sv.records_total,
               "the flush wrote %d of the %d records the workers produced", sc->sv.flushed,
               sc->sv.records_total);
    cio_expect(cio_time_eq(sc->sv.flush_done_at, done_at),
               "the flush completed at %.3f s, expected %.3f s", sc->sv.flush_done_at, done_at);
    cio_expect(cio_time_eq(sc->ended, done_at),
               "run_service() returned at %.3f s, expected %.3f s (as soon as the flush is done)",
               sc->ended, done_at);
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* Shutdown at 2.05 s: three workers stop at once, the 0.5 s flush completes at 2.55 s. */
static void shutdown_flushes_everything(void **state)
{
    (void)state;
    struct scenario sc = {.nworkers = 3, .cancel_at = 2.05};
    sc.sv.period[0] = 0.3, sc.sv.period[1] = 0.5, sc.sv.period[2] = 0.7;
    sc.sv.flush_time = 0.5;
    run(&sc);
    cio_expect(sc.rc == -ECANCELED, "run_service() returned %d after a shutdown, expected "
               "-ECANCELED", sc.rc);
    cio_expect(sc.sv.records_total == 12, "the workers produced %d records by 2.05 s, expected 12 "
               "(6 + 4 + 2): did they all run concurrently?", sc.sv.records_total);
    expect_flushed(&sc, 2.55);
}

/* Worker 1 fails at 1.0 s: the others stop at once, the flush runs, -EIO comes back. */
static void failing_worker_stops_the_others(void **state)
{
    (void)state;
    struct scenario sc = {.nworkers = 3, .cancel_at = -1};
    sc.sv.period[0] = 0.4, sc.sv.period[1] = 0.25, sc.sv.period[2] = 0.3;
    sc.sv.fail_after[1] = 4;
    sc.sv.flush_time = 0.5;
    run(&sc);
    cio_expect(sc.rc == -EIO, "run_service() returned %d, expected -EIO (worker 1's error)", sc.rc);
    cio_expect(sc.sv.records_total == 9, "the workers produced %d records, expected 9 (2 + 4 + 3 "
               "by 1.0 s, when worker 1 failed and the others were stopped)", sc.sv.records_total);
    expect_flushed(&sc, 1.5);
}

/* Shutdown before the service ever ran: nothing was served, the flush still completes. */
static void shutdown_before_start(void **state)
{
    (void)state;
    struct scenario sc = {.nworkers = 2, .cancel_at = 0};
    sc.sv.period[0] = 0.3, sc.sv.period[1] = 0.3;
    sc.sv.flush_time = 0.5;
    run(&sc);
    cio_expect(sc.rc == -ECANCELED, "run_service() returned %d, expected -ECANCELED", sc.rc);
    cio_expect(sc.sv.records_total == 0, "%d records were produced by a service cancelled before "
               "it ran", sc.sv.records_total);
    cio_expect(sc.sv.flushes_done == 1, "the log was flushed %d time(s) to completion, expected once "
               "(even with nothing in it)%s", sc.sv.flushes_done,
               sc.sv.flushes_cancelled ? ": flush_log() returned -ECANCELED — shield it" : "");
    cio_expect(cio_time_eq(sc.ended, 0.5), "run_service() returned at %.3f s, expected 0.500 s",
               sc.ended);
}

#ifdef CIO_HIDDEN_TESTS
/* A flush that would take 10 s is given up at 2.0 s: -ETIMEDOUT at 3.05 s. */
static void stuck_flush_is_abandoned(void **state)
{
    (void)state;
    struct scenario sc = {.nworkers = 2, .cancel_at = 1.05};
    sc.sv.period[0] = 0.2, sc.sv.period[1] = 0.3;
    sc.sv.flush_time = 10.0;
    run(&sc);
    cio_expect(sc.sv.flushes_done == 0, "the 10 s flush completed: it should have been given up "
               "after %.1f s", FLUSH_LIMIT);
    cio_expect(sc.rc == -ETIMEDOUT, "run_service() returned %d, expected -ETIMEDOUT (the flush "
               "did not finish within %.1f s)", sc.rc, FLUSH_LIMIT);
    cio_expect(cio_time_eq(sc.ended, 1.05 + FLUSH_LIMIT),
               "run_service() returned at %.3f s, expected %.3f s (shutdown at 1.05 s, then the "
               "flush is given %.1f s)", sc.ended, 1.05 + FLUSH_LIMIT, FLUSH_LIMIT);
}

/* Fifty workers: all stop, every record is flushed, nothing is left over. */
static void many_workers_all_stop(void **state)
{
    (void)state;
    struct scenario sc = {.nworkers = 50, .cancel_at = 3.005};
    int expect = 0;
    for (int i = 0; i < 50; i++) {
        sc.sv.period[i] = 0.1 + 0.01 * i;
        expect += (int)(3.005 / sc.sv.period[i]);
    }
    sc.sv.flush_time = 0.5;
    run(&sc);
    cio_expect(sc.rc == -ECANCELED, "run_service() returned %d, expected -ECANCELED", sc.rc);
    cio_expect(sc.sv.records_total == expect, "50 workers produced %d records by 3.005 s, "
               "expected %d", sc.sv.records_total, expect);
    expect_flushed(&sc, 3.505);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(shutdown_flushes_everything),
    cmocka_unit_test(failing_worker_stops_the_others),
    cmocka_unit_test(shutdown_before_start),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(stuck_flush_is_abandoned),
    cmocka_unit_test(many_workers_all_stop),
#endif
};
CIO_TEST_MAIN(tests)
