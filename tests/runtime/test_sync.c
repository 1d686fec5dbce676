/*
 * test_sync.c — cmocka tests of the synchronization primitives (runtime/src/lock.c,
 * event.c, sem.c, cond.c, queue.c): fairness, hand-off, cancellation, close, deadlock
 * reports and misuse. Every run uses the virtual clock, so times are exact.
 * Assertions inside tasks only record a failure (a cmocka failure would longjmp off the
 * coroutine's stack); the test asserts it after cio_run() returns.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#include "cio.h"

/* ---------------------------------------------------------------------------------- */
/* Running a test body                                                                */
/* ---------------------------------------------------------------------------------- */

static char task_failure[512]; /* first failed TASK_CHECK of the current run; "" if none */

/* Record (the first) failed condition inside a task; run_vc() turns it into a failure. */
#define TASK_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond) && !task_failure[0])                                                  \
            snprintf(task_failure, sizeof task_failure, "line %d: %s", __LINE__, #cond);  \
    } while (0)

/* Same, for an expected integer, printing what came instead. */
#define TASK_CHECK_INT(got, want)                                                         \
    do {                                                                                  \
        long long got_ = (long long)(got), want_ = (long long)(want);                     \
        if (got_ != want_ && !task_failure[0])                                            \
            snprintf(task_failure, sizeof task_failure, "line %d: %s is %lld, expected %lld", \
                     __LINE__, #got, got_, want_);                                        \
    } while (0)

/* Virtual times are exact sums of the delays slept. */
static int time_eq(double a, double b) { return a - b < 1e-9 && b - a < 1e-9; }

#define TASK_CHECK_TIME(want)                                                             \
    do {                                                                                  \
        double now_ = cio_now(), want_ = (want);                                          \
        if (!time_eq(now_, want_) && !task_failure[0])                                    \
            snprintf(task_failure, sizeof task_failure, "line %d: time is %.3f, expected %.3f", \
                     __LINE__, now_, want_);                                              \
    } while (0)

/* Run @p body as main under the virtual clock; fail the test if a task check failed. */
static int run_vc_seeded(cio_fn body, void *arg, uint64_t seed) {
    task_failure[0] = '\0';
    cio_config cfg = {.virtual_clock = 1, .seed = seed};
    int rc = cio_run(body, arg, &cfg);
    if (task_failure[0])
        fail_msg("inside the run (seed %llu): %s", (unsigned long long)seed, task_failure);
    return rc;
}

static int run_vc(cio_fn body, void *arg) { return run_vc_seeded(body, arg, 0); }

/* A task that cancels itself, then tries one operation that need not wait. */
static int cancel_self(void) { return cio_cancel(cio_current()); }

/* ---------------------------------------------------------------------------------- */
/* Locks                                                                              */
/* ---------------------------------------------------------------------------------- */

enum { NWORKERS = 5 };

struct lock_run {
    cio_lock *lock;                   /* the lock under test; made and freed by the run's main */
    int       inside;                 /* tasks between acquire and release now */
    int       max_inside;             /* the most ever seen at once */
    int       order[NWORKERS + 1];    /* ids in the order they acquired */
    double    when[NWORKERS + 1];     /* loop time of each acquisition */
    int       n;                      /* entries used in order[] and when[] */
    double    arrive_after[NWORKERS]; /* how long worker i sleeps before acquiring */
};

struct worker {
    struct lock_run *run; /* state shared by all workers */
    int              id;  /* 0.. in spawn order */
};

static void record(struct lock_run *r, int id) {
    r->order[r->n] = id;
    r->when[r->n] = cio_now();
    r->n++;
}

static int exclusive_worker(void *arg) {
    struct worker *w = arg;
    struct lock_run *r = w->run;
    if (r->arrive_after[w->id] > 0)
        TASK_CHECK_INT(cio_sleep(r->arrive_after[w->id]), 0);
    TASK_CHECK_INT(cio_lock_acquire(r->lock), 0);
    record(r, w->id);
    r->inside++;
    if (r->inside > r->max_inside)
        r->max_inside = r->inside;
    TASK_CHECK_INT(cio_sleep(1.0), 0); /* hold the lock across an await */
    r->inside--;
    cio_lock_release(r->lock);
    return 0;
}

static int lock_exclusion_main(void *arg) {
    struct lock_run *r = arg;
    r->lock = cio_lock_new();
    TASK_CHECK(r->lock != NULL);
    struct worker ws[NWORKERS];
    cio_task *ts[NWORKERS];
    for (int i = 0; i < NWORKERS; i++) {
        ws[i] = (struct worker){r, i};
        ts[i] = cio_spawn(exclusive_worker, &ws[i]);
    }
    TASK_CHECK_INT(cio_gather(ts, NWORKERS), 0);
    cio_lock_free(r->lock);
    return 0;
}

static void lock_excludes_across_awaits(void **state) {
    (void)state;
    struct lock_run r = {0};
    assert_int_equal(run_vc(lock_exclusion_main, &r), 0);
    assert_int_equal(r.max_inside, 1);
    assert_int_equal(r.n, NWORKERS);
    for (int i = 0; i < NWORKERS; i++) {
        assert_int_equal(r.order[i], i);      /* all arrive at t=0 in spawn order */
        assert_true(time_eq(r.when[i], i));   /* each waits for the previous holder's second */
    }
}

/* Arrival order differs from spawn order; main releases at t=1, then tries to barge. */
static int lock_fifo_main(void *arg) {
    struct lock_run *r = arg;
    r->lock = cio_lock_new();
    TASK_CHECK_INT(cio_lock_acquire(r->lock), 0);
    struct worker ws[NWORKERS];
    cio_task *ts[NWORKERS];
    for (int i = 0; i < NWORKERS; i++) {
        ws[i] = (struct worker){r, i};
        ts[i] = cio_spawn(exclusive_worker, &ws[i]);
    }
    TASK_CHECK_INT(cio_sleep(1.0), 0); /* every worker has queued by now */
    cio_lock_release(r->lock);
    /* Released and immediately wanted again, before the first waiter has run: it must
       queue behind every waiter, not overtake them. */
    TASK_CHECK_INT(cio_lock_acquire(r->lock), 0);
    record(r, NWORKERS);
    TASK_CHECK(r->inside == 0);
    cio_lock_release(r->lock);
    TASK_CHECK_INT(cio_gather(ts, NWORKERS), 0);
    cio_lock_free(r->lock);
    return 0;
}

static void lock_is_fifo_without_barging(void **state) {
    (void)state;
    struct lock_run r = {.arrive_after = {0.3, 0.1, 0.5, 0.2, 0.4}};
    assert_int_equal(run_vc(lock_fifo_main, &r), 0);
    const int want[NWORKERS + 1] = {1, 3, 0, 4, 2, NWORKERS}; /* arrival order, then main */
    assert_int_equal(r.n, NWORKERS + 1);
    for (int i = 0; i < NWORKERS + 1; i++) {
        assert_int_equal(r.order[i], want[i]);
        assert_true(time_eq(r.when[i], 1.0 + i)); /* each holds it one second */
    }
    assert_int_equal(r.max_inside, 1);
}

struct cancel_probe {
    cio_lock  *lock;  /* the lock probed, if any; made and freed by the run's main */
    cio_event *event; /* the event probed, if any; likewise */
    cio_sem   *sem;   /* the semaphore probed, if any; likewise */
    int        rc;    /* what the probed call returned */
    int        rc2;   /* what a second probed call returned */
    double     at;    /* loop time when it returned */
    int        ran;   /* set by a task to show it ran */
};

static int acquire_free_lock_cancelled(void *arg) {
    struct cancel_probe *p = arg;
    TASK_CHECK_INT(cancel_self(), 0);
    p->rc = cio_lock_acquire(p->lock);
    return 0;
}

static int lock_cancelled_free_main(void *arg) {
    struct cancel_probe *p = arg;
    p->lock = cio_lock_new();
    TASK_CHECK_INT(cio_await(cio_spawn(acquire_free_lock_cancelled, p)), 0);
    /* The cancelled task must not have taken it: main gets it at once. */
    TASK_CHECK_INT(cio_lock_acquire(p->lock), 0);
    TASK_CHECK_TIME(0.0);
    cio_lock_release(p->lock);
    cio_lock_free(p->lock);
    return 0;
}

static void lock_acquire_free_by_cancelled_task_fails(void **state) {
    (void)state;
    struct cancel_probe p = {.rc = 1};
    assert_int_equal(run_vc(lock_cancelled_free_main, &p), 0);
    assert_int_equal(p.rc, -ECANCELED);
}

static int acquire_and_note(void *arg) {
    struct cancel_probe *p = arg;
    p->rc = cio_lock_acquire(p->lock);
    p->at = cio_now();
    if (p->rc == 0)
        cio_lock_release(p->lock); /* misuse, and an abort, if the hand-off was not real */
    return 0;
}

struct two_probes {
    struct cancel_probe first;  /* what the first waiter saw */
    struct cancel_probe second; /* what the second waiter saw */
};

/* A waiter cancelled while queued leaves the queue; the lock goes to the next one. */
static int lock_cancel_waiter_main(void *arg) {
    struct two_probes *pp = arg;
    cio_lock *l = cio_lock_new();
    pp->first.lock = pp->second.lock = l;
    TASK_CHECK_INT(cio_lock_acquire(l), 0);
    cio_task *a = cio_spawn(acquire_and_note, &pp->first);
    cio_task *b = cio_spawn(acquire_and_note, &pp->second);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(cio_cancel(a), 0);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    cio_lock_release(l);
    TASK_CHECK_INT(cio_await(a), 0);
    TASK_CHECK_INT(cio_await(b), 0);
    cio_lock_free(l);
    return 0;
}

static void lock_cancelled_waiter_gives_up_its_place(void **state) {
    (void)state;
    struct two_probes pp = {{.rc = 1}, {.rc = 1}};
    assert_int_equal(run_vc(lock_cancel_waiter_main, &pp), 0);
    assert_int_equal(pp.first.rc, -ECANCELED);
    assert_true(time_eq(pp.first.at, 1.0));
    assert_int_equal(pp.second.rc, 0);
    assert_true(time_eq(pp.second.at, 2.0));
}

/* Handed the lock, then cancelled before it runs: it keeps the lock (status 0). */
static int lock_handoff_then_cancel_main(void *arg) {
    struct cancel_probe *p = arg;
    p->lock = cio_lock_new();
    TASK_CHECK_INT(cio_lock_acquire(p->lock), 0);
    cio_task *t = cio_spawn(acquire_and_note, p);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    cio_lock_release(p->lock);
    TASK_CHECK_INT(cio_cancel(t), 0);
    TASK_CHECK_INT(cio_await(t), 0);
    /* It released what it was handed; main can take the lock without waiting. */
    TASK_CHECK_INT(cio_lock_acquire(p->lock), 0);
    TASK_CHECK_TIME(1.0);
    cio_lock_release(p->lock);
    cio_lock_free(p->lock);
    return 0;
}

static void lock_handed_over_survives_cancellation(void **state) {
    (void)state;
    struct cancel_probe p = {.rc = 1};
    assert_int_equal(run_vc(lock_handoff_then_cancel_main, &p), 0);
    assert_int_equal(p.rc, 0);
    assert_true(time_eq(p.at, 1.0));
}

static int lock_reacquire_main(void *arg) {
    struct cancel_probe *p = arg;
    cio_lock *l = cio_lock_new();
    TASK_CHECK_INT(cio_lock_acquire(l), 0);
    p->rc = cio_lock_acquire(l);
    cio_lock_release(l);
    /* Released once, it is free again: -EDEADLK did not count as a second hold. */
    TASK_CHECK_INT(cio_lock_acquire(l), 0);
    cio_lock_release(l);
    cio_lock_free(l);
    return 0;
}

static void lock_reacquire_by_holder_is_edeadlk(void **state) {
    (void)state;
    struct cancel_probe p = {.rc = 1};
    assert_int_equal(run_vc(lock_reacquire_main, &p), 0);
    assert_int_equal(p.rc, -EDEADLK);
}

/* ---- a lock-order deadlock, as the report shows it ---- */

struct deadlock {
    cio_lock *a;              /* taken first by take_a_then_b; made and freed by main */
    cio_lock *b;              /* taken first by take_b_then_a */
    int       line_a, line_b; /* where each task took its first lock */
    int       rc_ab, rc_ba;   /* what their second acquire returned */
};

static int take_a_then_b(void *arg) {
    struct deadlock *d = arg;
    TASK_CHECK_INT(cio_lock_acquire(d->a), 0); d->line_a = __LINE__;
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    d->rc_ab = cio_lock_acquire(d->b);
    if (d->rc_ab == 0)
        cio_lock_release(d->b);
    cio_lock_release(d->a);
    return d->rc_ab;
}

static int take_b_then_a(void *arg) {
    struct deadlock *d = arg;
    TASK_CHECK_INT(cio_lock_acquire(d->b), 0); d->line_b = __LINE__;
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    d->rc_ba = cio_lock_acquire(d->a);
    if (d->rc_ba == 0)
        cio_lock_release(d->a);
    cio_lock_release(d->b);
    return d->rc_ba;
}

static int deadlock_main(void *arg) {
    struct deadlock *d = arg;
    d->a = cio_lock_new();
    d->b = cio_lock_new();
    cio_task *t1 = cio_spawn(take_a_then_b, d);
    cio_task *t2 = cio_spawn(take_b_then_a, d);
    cio_await(t1);
    cio_await(t2);
    cio_lock_free(d->a);
    cio_lock_free(d->b);
    return 0;
}

/* Run @p body under the virtual clock with reports captured into a string (freed by caller). */
static int run_capturing_report(cio_fn body, void *arg, char **report) {
    size_t len = 0;
    *report = NULL;
    FILE *f = open_memstream(report, &len);
    assert_non_null(f);
    task_failure[0] = '\0';
    cio_config cfg = {.virtual_clock = 1, .report_to = f};
    int rc = cio_run(body, arg, &cfg);
    fclose(f);
    if (task_failure[0])
        fail_msg("inside the run: %s", task_failure);
    return rc;
}

static void assert_contains(const char *text, const char *needle) {
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in the report:\n%s", needle, text);
}

static void lock_order_deadlock_is_reported(void **state) {
    (void)state;
    struct deadlock d = {.rc_ab = 1, .rc_ba = 1};
    char *report;
    assert_int_equal(run_capturing_report(deadlock_main, &d, &report), -EDEADLK);
    assert_contains(report, "take_a_then_b");
    assert_contains(report, "take_b_then_a");
    assert_contains(report, "lock");
    char held[256];
    snprintf(held, sizeof held, "held by task 'take_a_then_b' since %s:%d", __FILE__, d.line_a);
    assert_contains(report, held);
    snprintf(held, sizeof held, "held by task 'take_b_then_a' since %s:%d", __FILE__, d.line_b);
    assert_contains(report, held);
    /* The report then cancels the waiters: both second acquires failed that way. */
    assert_int_equal(d.rc_ab, -ECANCELED);
    assert_int_equal(d.rc_ba, -ECANCELED);
    cio_stats st;
    cio_stats_get(&st);
    assert_true(st.deadlocked);
    free(report);
}

/* ---------------------------------------------------------------------------------- */
/* Events                                                                             */
/* ---------------------------------------------------------------------------------- */

struct event_run {
    cio_event *event;              /* the event under test; made and freed by main */
    int        woken;              /* waiters whose wait returned 0 */
    double     woken_at[NWORKERS]; /* when each returned */
    int        rc[NWORKERS];       /* what each wait returned */
};

struct event_waiter {
    struct event_run *run; /* state shared by all waiters */
    int               id;  /* 0.. in spawn order */
};

static int wait_for_event(void *arg) {
    struct event_waiter *w = arg;
    w->run->rc[w->id] = cio_event_wait(w->run->event);
    w->run->woken_at[w->id] = cio_now();
    if (w->run->rc[w->id] == 0)
        w->run->woken++;
    return 0;
}

static int event_main(void *arg) {
    struct event_run *r = arg;
    r->event = cio_event_new();
    TASK_CHECK(!cio_event_is_set(r->event));
    struct event_waiter ws[NWORKERS];
    cio_task *ts[NWORKERS];
    for (int i = 0; i < NWORKERS - 1; i++) {
        ws[i] = (struct event_waiter){r, i};
        ts[i] = cio_spawn(wait_for_event, &ws[i]);
    }
    TASK_CHECK_INT(cio_sleep(2.0), 0);
    TASK_CHECK_INT(r->woken, 0); /* nobody passes a clear event */
    cio_event_set(r->event);
    TASK_CHECK(cio_event_is_set(r->event));
    TASK_CHECK_INT(cio_gather(ts, NWORKERS - 1), 0);
    TASK_CHECK_INT(r->woken, NWORKERS - 1);
    /* Cleared, it blocks again until the next set. */
    cio_event_clear(r->event);
    TASK_CHECK(!cio_event_is_set(r->event));
    ws[NWORKERS - 1] = (struct event_waiter){r, NWORKERS - 1};
    cio_task *late = cio_spawn(wait_for_event, &ws[NWORKERS - 1]);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(r->woken, NWORKERS - 1);
    cio_event_set(r->event);
    TASK_CHECK_INT(cio_await(late), 0);
    cio_event_free(r->event);
    return 0;
}

static void event_set_wakes_every_waiter(void **state) {
    (void)state;
    struct event_run r = {0};
    assert_int_equal(run_vc(event_main, &r), 0);
    assert_int_equal(r.woken, NWORKERS);
    for (int i = 0; i < NWORKERS - 1; i++) {
        assert_int_equal(r.rc[i], 0);
        assert_true(time_eq(r.woken_at[i], 2.0));
    }
    assert_true(time_eq(r.woken_at[NWORKERS - 1], 3.0));
}

static int note_ran(void *arg) {
    ((struct cancel_probe *)arg)->ran = 1;
    return 0;
}

static int wait_set_event_cancelled(void *arg) {
    struct cancel_probe *p = arg;
    TASK_CHECK_INT(cancel_self(), 0);
    p->rc2 = cio_event_wait(p->event);
    return 0;
}

static int event_set_wait_main(void *arg) {
    struct cancel_probe *p = arg;
    p->event = cio_event_new();
    cio_event_set(p->event);
    cio_task *t = cio_spawn(note_ran, p);
    p->rc = cio_event_wait(p->event);
    /* Returned without suspending: the task spawned just before has not run yet. */
    TASK_CHECK_INT(p->ran, 0);
    TASK_CHECK_TIME(0.0);
    TASK_CHECK_INT(cio_await(t), 0);
    TASK_CHECK_INT(cio_await(cio_spawn(wait_set_event_cancelled, p)), 0);
    cio_event_free(p->event);
    return 0;
}

static void event_wait_on_set_event_is_an_instant_checkpoint(void **state) {
    (void)state;
    struct cancel_probe p = {.rc = 1, .rc2 = 1};
    assert_int_equal(run_vc(event_set_wait_main, &p), 0);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.rc2, -ECANCELED);
}

static int event_cancel_waiter_main(void *arg) {
    struct event_run *r = arg;
    r->event = cio_event_new();
    struct event_waiter w = {r, 0};
    cio_task *t = cio_spawn(wait_for_event, &w);
    TASK_CHECK_INT(cio_sleep(1.5), 0);
    TASK_CHECK_INT(cio_cancel(t), 0);
    TASK_CHECK_INT(cio_await(t), 0);
    cio_event_free(r->event); /* nobody waits any more: no misuse */
    return 0;
}

static void event_cancelled_waiter_returns_ecanceled(void **state) {
    (void)state;
    struct event_run r = {.rc = {1}};
    assert_int_equal(run_vc(event_cancel_waiter_main, &r), 0);
    assert_int_equal(r.rc[0], -ECANCELED);
    assert_true(time_eq(r.woken_at[0], 1.5));
    assert_int_equal(r.woken, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Semaphores                                                                         */
/* ---------------------------------------------------------------------------------- */

enum { SEM_PERMITS = 2, SEM_WORKERS = 7 };

struct sem_run {
    cio_sem *sem;                /* the semaphore under test; made and freed by main */
    int      in_flight;          /* holders of a permit now */
    int      max_in_flight;      /* the most ever at once */
    int      order[SEM_WORKERS]; /* ids in the order they got a permit */
    double   when[SEM_WORKERS];  /* when each got it */
    int      n;                  /* entries used */
};

struct sem_worker {
    struct sem_run *run; /* state shared by all workers */
    int             id;  /* 0.. in spawn order */
};

static int sem_worker_body(void *arg) {
    struct sem_worker *w = arg;
    struct sem_run *r = w->run;
    TASK_CHECK_INT(cio_sleep(0.1 * w->id), 0); /* arrive in id order, one by one */
    TASK_CHECK_INT(cio_sem_acquire(r->sem), 0);
    r->order[r->n] = w->id;
    r->when[r->n] = cio_now();
    r->n++;
    if (++r->in_flight > r->max_in_flight)
        r->max_in_flight = r->in_flight;
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    r->in_flight--;
    cio_sem_release(r->sem);
    return 0;
}

static int sem_main(void *arg) {
    struct sem_run *r = arg;
    r->sem = cio_sem_new(SEM_PERMITS);
    TASK_CHECK_INT(cio_sem_value(r->sem), SEM_PERMITS);
    struct sem_worker ws[SEM_WORKERS];
    cio_task *ts[SEM_WORKERS];
    for (int i = 0; i < SEM_WORKERS; i++) {
        ws[i] = (struct sem_worker){r, i};
        ts[i] = cio_spawn(sem_worker_body, &ws[i]);
    }
    TASK_CHECK_INT(cio_gather(ts, SEM_WORKERS), 0);
    TASK_CHECK_INT(cio_sem_value(r->sem), SEM_PERMITS);
    cio_sem_free(r->sem);
    return 0;
}

static void sem_admits_at_most_n_in_fifo_order(void **state) {
    (void)state;
    struct sem_run r = {0};
    assert_int_equal(run_vc(sem_main, &r), 0);
    assert_int_equal(r.max_in_flight, SEM_PERMITS);
    assert_int_equal(r.n, SEM_WORKERS);
    /* Worker i arrives at 0.1 i; the first two enter at once, then each enters when the
       permit of the worker two ahead of it comes back, one second after that one entered. */
    const double want[SEM_WORKERS] = {0.0, 0.1, 1.0, 1.1, 2.0, 2.1, 3.0};
    for (int i = 0; i < SEM_WORKERS; i++) {
        assert_int_equal(r.order[i], i);
        if (!time_eq(r.when[i], want[i]))
            fail_msg("worker %d entered at %.3f, expected %.3f", i, r.when[i], want[i]);
    }
}

static int sem_take_and_note(void *arg) {
    struct cancel_probe *p = arg;
    p->rc = cio_sem_acquire(p->sem);
    p->at = cio_now();
    if (p->rc == 0) {
        TASK_CHECK_INT(cio_sleep(1.0), 0);
        cio_sem_release(p->sem);
    }
    return 0;
}

static int sem_acquire_cancelled(void *arg) {
    struct cancel_probe *p = arg;
    TASK_CHECK_INT(cancel_self(), 0);
    p->rc2 = cio_sem_acquire(p->sem);
    return 0;
}

static int sem_handoff_main(void *arg) {
    struct cancel_probe *p = arg;
    p->sem = cio_sem_new(1);
    TASK_CHECK_INT(cio_sem_acquire(p->sem), 0);
    TASK_CHECK_INT(cio_sem_value(p->sem), 0);
    cio_task *t = cio_spawn(sem_take_and_note, p);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    cio_sem_release(p->sem);
    /* The permit went to the waiter, not back to the count ... */
    TASK_CHECK_INT(cio_sem_value(p->sem), 0);
    /* ... so main, asking again at once, waits for the waiter's release at t=2. */
    TASK_CHECK_INT(cio_sem_acquire(p->sem), 0);
    TASK_CHECK_TIME(2.0);
    cio_sem_release(p->sem);
    TASK_CHECK_INT(cio_await(t), 0);
    /* A cancelled task cannot take a free permit, and takes nothing. */
    TASK_CHECK_INT(cio_await(cio_spawn(sem_acquire_cancelled, p)), 0);
    TASK_CHECK_INT(cio_sem_value(p->sem), 1);
    cio_sem_free(p->sem);
    return 0;
}

static void sem_release_hands_permit_to_first_waiter(void **state) {
    (void)state;
    struct cancel_probe p = {.rc = 1, .rc2 = 1};
    assert_int_equal(run_vc(sem_handoff_main, &p), 0);
    assert_int_equal(p.rc, 0);
    assert_true(time_eq(p.at, 1.0));
    assert_int_equal(p.rc2, -ECANCELED);
}

/* ---------------------------------------------------------------------------------- */
/* Conditions                                                                         */
/* ---------------------------------------------------------------------------------- */

enum { COND_WAITERS = 3 };

struct cond_run {
    cio_lock *lock;                /* the lock the condition is bound to */
    cio_cond *cond;                /* the condition under test; both made and freed by main */
    int       waiting;             /* waiters that reached cond_wait */
    int       inside;              /* tasks that believe they hold the lock */
    int       max_inside;          /* the most ever at once */
    int       order[COND_WAITERS]; /* ids in wake order */
    double    when[COND_WAITERS];  /* when each came back from wait */
    int       n;                   /* entries used */
};

struct cond_waiter {
    struct cond_run *run; /* state shared by all waiters */
    int              id;  /* 0.. in spawn order */
};

static void enter(struct cond_run *r) {
    if (++r->inside > r->max_inside)
        r->max_inside = r->inside;
}

static int cond_waiter_body(void *arg) {
    struct cond_waiter *w = arg;
    struct cond_run *r = w->run;
    TASK_CHECK_INT(cio_lock_acquire(r->lock), 0);
    enter(r);
    r->waiting++;
    r->inside--;
    TASK_CHECK_INT(cio_cond_wait(r->cond), 0);
    enter(r);
    r->order[r->n] = w->id;
    r->when[r->n] = cio_now();
    r->n++;
    TASK_CHECK_INT(cio_sleep(0.5), 0); /* hold the re-taken lock for a while */
    r->inside--;
    cio_lock_release(r->lock);
    return 0;
}

static int cond_main(void *arg) {
    struct cond_run *r = arg;
    r->lock = cio_lock_new();
    r->cond = cio_cond_new(r->lock);
    struct cond_waiter ws[COND_WAITERS];
    cio_task *ts[COND_WAITERS];
    for (int i = 0; i < COND_WAITERS; i++) {
        ws[i] = (struct cond_waiter){r, i};
        ts[i] = cio_spawn(cond_waiter_body, &ws[i]);
    }
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(r->waiting, COND_WAITERS);
    TASK_CHECK_INT(cio_lock_acquire(r->lock), 0); /* free: every waiter let go of it */
    TASK_CHECK_TIME(1.0);
    cio_cond_signal(r->cond);
    cio_lock_release(r->lock);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(r->n, 1); /* one signal, one waiter */
    TASK_CHECK_INT(cio_lock_acquire(r->lock), 0);
    cio_cond_broadcast(r->cond);
    cio_lock_release(r->lock);
    TASK_CHECK_INT(cio_gather(ts, COND_WAITERS), 0);
    cio_cond_free(r->cond);
    cio_lock_free(r->lock);
    return 0;
}

static void cond_signal_wakes_one_broadcast_all(void **state) {
    (void)state;
    struct cond_run r = {0};
    assert_int_equal(run_vc(cond_main, &r), 0);
    assert_int_equal(r.n, COND_WAITERS);
    assert_int_equal(r.max_inside, 1); /* wait gave the lock back every time */
    /* FIFO: the first to wait is the one signalled; the broadcast ones take the lock
       one after the other, each half a second after the previous. */
    const double want[COND_WAITERS] = {1.0, 2.0, 2.5};
    for (int i = 0; i < COND_WAITERS; i++) {
        assert_int_equal(r.order[i], i);
        if (!time_eq(r.when[i], want[i]))
            fail_msg("waiter %d came back at %.3f, expected %.3f", i, r.when[i], want[i]);
    }
}

struct cond_cancel {
    cio_lock *lock;                   /* the lock the condition is bound to */
    cio_cond *cond;                   /* the condition under test; both made and freed by main */
    int       main_holds;             /* set while main holds the lock */
    int       rc;                     /* what the waiter's cond_wait returned */
    int       held_by_main_on_return; /* main_holds seen by the waiter when wait returned */
    double    at;                     /* when the wait returned */
    int       rc_early;               /* cond_wait by an already cancelled task */
    int       ran;                    /* set by a task that got the lock after that early wait */
};

static int cond_cancelled_waiter(void *arg) {
    struct cond_cancel *c = arg;
    TASK_CHECK_INT(cio_lock_acquire(c->lock), 0);
    c->rc = cio_cond_wait(c->cond);
    c->at = cio_now();
    c->held_by_main_on_return = c->main_holds;
    cio_lock_release(c->lock); /* an abort (misuse) if the wait did not take the lock back */
    return 0;
}

static int cond_lock_contender(void *arg) {
    struct cond_cancel *c = arg;
    if (cio_lock_acquire(c->lock) == 0) {
        c->ran = 1;
        cio_lock_release(c->lock);
    }
    return 0;
}

static int cond_already_cancelled(void *arg) {
    struct cond_cancel *c = arg;
    TASK_CHECK_INT(cio_lock_acquire(c->lock), 0);
    cio_task *t = cio_spawn(cond_lock_contender, c);
    TASK_CHECK_INT(cio_yield(), 0); /* the contender queues on the lock */
    TASK_CHECK_INT(cancel_self(), 0);
    c->rc_early = cio_cond_wait(c->cond);
    /* It failed without letting go of the lock: the contender has not had it. */
    TASK_CHECK_INT(c->ran, 0);
    cio_lock_release(c->lock);
    cio_await(t); /* cancelled, so this cancels t too; t was handed the lock already */
    return 0;
}

static int cond_cancel_main(void *arg) {
    struct cond_cancel *c = arg;
    c->lock = cio_lock_new();
    c->cond = cio_cond_new(c->lock);
    cio_task *t = cio_spawn(cond_cancelled_waiter, c);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(cio_lock_acquire(c->lock), 0);
    c->main_holds = 1;
    TASK_CHECK_INT(cio_cancel(t), 0);
    /* The cancelled waiter must wait for the lock: main keeps it for one more second. */
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    c->main_holds = 0;
    cio_lock_release(c->lock);
    TASK_CHECK_INT(cio_await(t), 0);
    TASK_CHECK_INT(cio_lock_acquire(c->lock), 0); /* released by the waiter */
    TASK_CHECK_TIME(2.0);
    cio_lock_release(c->lock);
    TASK_CHECK_INT(cio_await(cio_spawn(cond_already_cancelled, c)), 0);
    cio_cond_free(c->cond);
    cio_lock_free(c->lock);
    return 0;
}

static void cond_wait_retakes_lock_after_cancellation(void **state) {
    (void)state;
    struct cond_cancel c = {.rc = 1, .rc_early = 1, .held_by_main_on_return = -1};
    assert_int_equal(run_vc(cond_cancel_main, &c), 0);
    assert_int_equal(c.rc, -ECANCELED);
    assert_true(time_eq(c.at, 2.0));
    assert_int_equal(c.held_by_main_on_return, 0);
    assert_int_equal(c.rc_early, -ECANCELED);
}

/* ---------------------------------------------------------------------------------- */
/* Queues                                                                             */
/* ---------------------------------------------------------------------------------- */

#define ITEM(n) ((void *)(uintptr_t)(n))
#define NUM(p)  ((int)(uintptr_t)(p))

static int queue_ring_main(void *arg) {
    (void)arg;
    cio_queue *q = cio_queue_new(0);
    void *item = NULL;
    int next_in = 1, next_out = 1;
    /* Wrap the ring, then make it grow while wrapped, several times over. */
    for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 5 + 7 * round; i++)
            TASK_CHECK_INT(cio_queue_put(q, ITEM(next_in++)), 0);
        for (int i = 0; i < 3 + 5 * round; i++) {
            TASK_CHECK_INT(cio_queue_get(q, &item), 0);
            TASK_CHECK_INT(NUM(item), next_out++);
        }
        TASK_CHECK_INT(cio_queue_size(q), next_in - next_out);
    }
    while (cio_queue_size(q) > 0) {
        TASK_CHECK_INT(cio_queue_get(q, &item), 0);
        TASK_CHECK_INT(NUM(item), next_out++);
    }
    TASK_CHECK_INT(next_out, next_in);
    TASK_CHECK_TIME(0.0); /* an unbounded queue with items never waits */
    cio_queue_free(q);
    return 0;
}

static void queue_unbounded_keeps_fifo_order_while_growing(void **state) {
    (void)state;
    assert_int_equal(run_vc(queue_ring_main, NULL), 0);
}

enum { BOUNDED_ITEMS = 6 };

struct bounded_run {
    cio_queue *q;                     /* the queue under test; made and freed by main */
    double     put_at[BOUNDED_ITEMS]; /* when each put returned */
    double     got_at[BOUNDED_ITEMS]; /* when each get returned */
    int        got[BOUNDED_ITEMS];    /* the items in the order received */
};

static int bounded_producer(void *arg) {
    struct bounded_run *r = arg;
    for (int i = 0; i < BOUNDED_ITEMS; i++) {
        TASK_CHECK_INT(cio_queue_put(r->q, ITEM(i + 1)), 0);
        r->put_at[i] = cio_now();
        TASK_CHECK(cio_queue_size(r->q) <= 2);
    }
    return 0;
}

static int slow_consumer(void *arg) {
    struct bounded_run *r = arg;
    void *item;
    for (int i = 0; i < BOUNDED_ITEMS; i++) {
        TASK_CHECK_INT(cio_sleep(1.0), 0);
        TASK_CHECK_INT(cio_queue_get(r->q, &item), 0);
        r->got[i] = NUM(item);
        r->got_at[i] = cio_now();
    }
    return 0;
}

static int bounded_main(void *arg) {
    struct bounded_run *r = arg;
    r->q = cio_queue_new(2);
    cio_task *ts[2] = {cio_spawn(bounded_producer, r), cio_spawn(slow_consumer, r)};
    TASK_CHECK_INT(cio_gather(ts, 2), 0);
    TASK_CHECK_INT(cio_queue_size(r->q), 0);
    cio_queue_free(r->q);
    return 0;
}

static void queue_bounded_put_blocks_while_full(void **state) {
    (void)state;
    struct bounded_run r = {0};
    assert_int_equal(run_vc(bounded_main, &r), 0);
    /* Two fit at once; then each put waits for the consumer's next get, one a second. */
    const double want_put[BOUNDED_ITEMS] = {0, 0, 1, 2, 3, 4};
    for (int i = 0; i < BOUNDED_ITEMS; i++) {
        if (!time_eq(r.put_at[i], want_put[i]))
            fail_msg("put %d returned at %.3f, expected %.3f", i, r.put_at[i], want_put[i]);
        assert_int_equal(r.got[i], i + 1);
        assert_true(time_eq(r.got_at[i], i + 1.0));
    }
}

struct close_run {
    cio_queue *q;      /* the queue under test; made and freed by main */
    int        rc[4];  /* what each blocked party's call returned */
    double     at[4];  /* when */
    void      *got[4]; /* what each getter received */
};

struct party {
    struct close_run *run; /* state shared by every party */
    int               id;  /* index into rc[], at[] and got[] */
};

static int blocked_putter(void *arg) {
    struct party *p = arg;
    p->run->rc[p->id] = cio_queue_put(p->run->q, ITEM(100 + p->id));
    p->run->at[p->id] = cio_now();
    return 0;
}

static int blocked_getter(void *arg) {
    struct party *p = arg;
    void *item = ITEM(0xbad);
    p->run->rc[p->id] = cio_queue_get(p->run->q, &item);
    p->run->at[p->id] = cio_now();
    p->run->got[p->id] = item;
    TASK_CHECK(item == ITEM(0xbad) || p->run->rc[p->id] == 0); /* untouched on failure */
    return 0;
}

static int close_putters_main(void *arg) {
    struct close_run *r = arg;
    r->q = cio_queue_new(1);
    TASK_CHECK_INT(cio_queue_put(r->q, ITEM(1)), 0);
    struct party ps[2] = {{r, 0}, {r, 1}};
    cio_task *ts[2] = {cio_spawn(blocked_putter, &ps[0]), cio_spawn(blocked_putter, &ps[1])};
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    cio_queue_close(r->q);
    TASK_CHECK_INT(cio_gather(ts, 2), 0);
    TASK_CHECK_INT(cio_queue_put(r->q, ITEM(2)), -EPIPE); /* later putters too */
    TASK_CHECK_INT(cio_queue_size(r->q), 1);
    void *item = NULL;
    TASK_CHECK_INT(cio_queue_get(r->q, &item), 0); /* queued before close: still there */
    TASK_CHECK_INT(NUM(item), 1);
    TASK_CHECK_INT(cio_queue_get(r->q, &item), -EPIPE);
    TASK_CHECK_INT(cio_queue_get(r->q, &item), -EPIPE);
    TASK_CHECK_TIME(1.0);
    cio_queue_close(r->q); /* closing again changes nothing */
    cio_queue_free(r->q);
    return 0;
}

static void queue_close_fails_putters_and_drains(void **state) {
    (void)state;
    struct close_run r = {.rc = {1, 1}};
    assert_int_equal(run_vc(close_putters_main, &r), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.rc[i], -EPIPE);
        assert_true(time_eq(r.at[i], 1.0));
    }
}

static int close_getters_main(void *arg) {
    struct close_run *r = arg;
    r->q = cio_queue_new(0);
    struct party ps[2] = {{r, 0}, {r, 1}};
    cio_task *ts[2] = {cio_spawn(blocked_getter, &ps[0]), cio_spawn(blocked_getter, &ps[1])};
    TASK_CHECK_INT(cio_sleep(1.5), 0);
    cio_queue_close(r->q);
    TASK_CHECK_INT(cio_gather(ts, 2), 0);
    cio_queue_free(r->q);
    return 0;
}

static void queue_close_wakes_blocked_getters(void **state) {
    (void)state;
    struct close_run r = {.rc = {1, 1}};
    assert_int_equal(run_vc(close_getters_main, &r), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.rc[i], -EPIPE);
        assert_true(time_eq(r.at[i], 1.5));
    }
}

/* A blocked getter and a blocked putter are cancelled: no item is lost or doubled. */
static int queue_cancel_blocked_main(void *arg) {
    struct close_run *r = arg;
    void *item = NULL;
    r->q = cio_queue_new(1);
    struct party g0 = {r, 0}, g1 = {r, 1};
    cio_task *cancelled_getter = cio_spawn(blocked_getter, &g0);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(cio_cancel(cancelled_getter), 0);
    TASK_CHECK_INT(cio_await(cancelled_getter), 0);
    cio_task *getter = cio_spawn(blocked_getter, &g1);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(cio_queue_put(r->q, ITEM(7)), 0); /* to the live getter */
    TASK_CHECK_INT(cio_await(getter), 0);
    TASK_CHECK_INT(cio_queue_size(r->q), 0);

    /* Full queue (item 1), putters 102 and 103 block; 102 is cancelled. */
    TASK_CHECK_INT(cio_queue_put(r->q, ITEM(1)), 0);
    struct party p2 = {r, 2}, p3 = {r, 3};
    cio_task *cancelled_putter = cio_spawn(blocked_putter, &p2);
    cio_task *putter = cio_spawn(blocked_putter, &p3);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(cio_cancel(cancelled_putter), 0);
    TASK_CHECK_INT(cio_await(cancelled_putter), 0);
    TASK_CHECK_INT(cio_queue_get(r->q, &item), 0);
    TASK_CHECK_INT(NUM(item), 1);
    TASK_CHECK_INT(cio_queue_get(r->q, &item), 0);
    TASK_CHECK_INT(NUM(item), 103);
    TASK_CHECK_INT(cio_await(putter), 0);
    TASK_CHECK_INT(cio_queue_size(r->q), 0);
    cio_queue_free(r->q);
    return 0;
}

static void queue_cancelled_waiters_lose_and_duplicate_nothing(void **state) {
    (void)state;
    struct close_run r = {.rc = {1, 1, 1, 1}};
    assert_int_equal(run_vc(queue_cancel_blocked_main, &r), 0);
    assert_int_equal(r.rc[0], -ECANCELED);
    assert_true(time_eq(r.at[0], 1.0));
    assert_int_equal(r.rc[1], 0);
    assert_true(r.got[1] == ITEM(7));
    assert_int_equal(r.rc[2], -ECANCELED);
    assert_true(time_eq(r.at[2], 3.0));
    assert_int_equal(r.rc[3], 0);
}

struct handoff_run {
    cio_queue *q;   /* the queue under test; made and freed by main */
    int        rc;  /* the cancelled party's result */
    void      *got; /* what the cancelled getter received */
};

static int handoff_getter(void *arg) {
    struct handoff_run *h = arg;
    h->rc = cio_queue_get(h->q, &h->got);
    return 0;
}

static int handoff_putter(void *arg) {
    struct handoff_run *h = arg;
    h->rc = cio_queue_put(h->q, ITEM(2));
    return 0;
}

/* Woken with an item (or with its item taken), then cancelled before it runs. */
static int queue_handoff_cancel_main(void *arg) {
    struct handoff_run *h = arg;
    h->q = cio_queue_new(1);
    cio_task *g = cio_spawn(handoff_getter, h);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    TASK_CHECK_INT(cio_queue_put(h->q, ITEM(42)), 0);
    TASK_CHECK_INT(cio_cancel(g), 0);
    TASK_CHECK_INT(cio_await(g), 0);
    TASK_CHECK_INT(h->rc, 0);
    TASK_CHECK(h->got == ITEM(42));
    TASK_CHECK_INT(cio_queue_size(h->q), 0); /* handed over, not also queued */

    h->rc = 1;
    TASK_CHECK_INT(cio_queue_put(h->q, ITEM(1)), 0);
    cio_task *p = cio_spawn(handoff_putter, h);
    TASK_CHECK_INT(cio_sleep(1.0), 0);
    void *item = NULL;
    TASK_CHECK_INT(cio_queue_get(h->q, &item), 0); /* makes room: item 2 moves in */
    TASK_CHECK_INT(NUM(item), 1);
    TASK_CHECK_INT(cio_cancel(p), 0);
    TASK_CHECK_INT(cio_await(p), 0);
    TASK_CHECK_INT(h->rc, 0);                 /* its put succeeded ... */
    TASK_CHECK_INT(cio_queue_size(h->q), 1);  /* ... exactly once */
    TASK_CHECK_INT(cio_queue_get(h->q, &item), 0);
    TASK_CHECK_INT(NUM(item), 2);
    TASK_CHECK_INT(cio_queue_size(h->q), 0);
    cio_queue_free(h->q);
    return 0;
}

static void queue_handoff_survives_cancellation(void **state) {
    (void)state;
    struct handoff_run h = {0};
    assert_int_equal(run_vc(queue_handoff_cancel_main, &h), 0);
}

static int queue_checkpoint_body(void *arg) {
    cio_queue *q = arg;
    void *item = NULL;
    TASK_CHECK_INT(cancel_self(), 0);
    TASK_CHECK_INT(cio_queue_put(q, ITEM(9)), -ECANCELED); /* room, but cancelled */
    TASK_CHECK_INT(cio_queue_size(q), 1);
    TASK_CHECK_INT(cio_queue_get(q, &item), -ECANCELED);   /* an item, but cancelled */
    TASK_CHECK(item == NULL);
    TASK_CHECK_INT(cio_queue_size(q), 1);
    return 0;
}

static int queue_checkpoint_main(void *arg) {
    (void)arg;
    cio_queue *q = cio_queue_new(4);
    TASK_CHECK_INT(cio_queue_put(q, ITEM(1)), 0);
    TASK_CHECK_INT(cio_await(cio_spawn(queue_checkpoint_body, q)), 0);
    void *item = NULL;
    TASK_CHECK_INT(cio_queue_get(q, &item), 0);
    TASK_CHECK_INT(NUM(item), 1);
    TASK_CHECK_INT(cio_queue_size(q), 0);
    cio_queue_free(q);
    return 0;
}

static void queue_put_and_get_are_checkpoints(void **state) {
    (void)state;
    assert_int_equal(run_vc(queue_checkpoint_main, NULL), 0);
}

/* ---- many producers and consumers, cancelled at random points, under many seeds ---- */

enum { PRODUCERS = 3, CONSUMERS = 3, PER_PRODUCER = 40, STRESS_SEEDS = 40 };
enum { ALL_ITEMS = PRODUCERS * PER_PRODUCER };

struct stress {
    cio_queue *q;                 /* the queue under test; made and freed by main */
    uint64_t   rng;               /* shared pseudo-random state for delays */
    int        put_ok[ALL_ITEMS]; /* 1 if put returned 0 for item i */
    int        seen[ALL_ITEMS];   /* how many times item i was taken */
};

struct stress_role {
    struct stress *s;  /* state shared by every producer and consumer */
    int            id; /* producer or consumer number, 0.. */
};

static double small_delay(struct stress *s) {
    s->rng = s->rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)((s->rng >> 33) % 4) * 0.25; /* 0, 0.25, 0.5 or 0.75 s */
}

static int stress_producer(void *arg) {
    struct stress_role *r = arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        int n = r->id * PER_PRODUCER + i;
        int rc = cio_queue_put(r->s->q, ITEM(n + 1));
        if (rc == 0)
            r->s->put_ok[n] = 1;
        else if (rc == -ECANCELED || rc == -EPIPE)
            return 0;
        else
            TASK_CHECK_INT(rc, 0);
        if (cio_sleep(small_delay(r->s)) != 0)
            return 0;
    }
    return 0;
}

static int stress_consumer(void *arg) {
    struct stress_role *r = arg;
    for (;;) {
        void *item = NULL;
        int rc = cio_queue_get(r->s->q, &item);
        if (rc != 0) {
            TASK_CHECK(rc == -ECANCELED || rc == -EPIPE);
            return 0;
        }
        int n = NUM(item) - 1;
        TASK_CHECK(n >= 0 && n < ALL_ITEMS);
        if (n >= 0 && n < ALL_ITEMS)
            r->s->seen[n]++;
        if (cio_sleep(small_delay(r->s)) != 0)
            return 0;
    }
}

static int stress_main(void *arg) {
    struct stress *s = arg;
    s->q = cio_queue_new(4);
    struct stress_role roles[PRODUCERS + CONSUMERS];
    cio_task *ts[PRODUCERS + CONSUMERS];
    for (int i = 0; i < PRODUCERS; i++) {
        roles[i] = (struct stress_role){s, i};
        ts[i] = cio_spawn(stress_producer, &roles[i]);
    }
    for (int i = 0; i < CONSUMERS; i++) {
        roles[PRODUCERS + i] = (struct stress_role){s, i};
        ts[PRODUCERS + i] = cio_spawn(stress_consumer, &roles[PRODUCERS + i]);
    }
    /* Cancel one producer and one consumer mid-way, at times that vary per seed. */
    TASK_CHECK_INT(cio_sleep(1.0 + small_delay(s)), 0);
    cio_cancel(ts[0]);
    TASK_CHECK_INT(cio_sleep(small_delay(s)), 0);
    cio_cancel(ts[PRODUCERS]);
    for (int i = 0; i < PRODUCERS; i++)
        cio_await(ts[i]);
    cio_queue_close(s->q);
    for (int i = 0; i < CONSUMERS; i++)
        cio_await(ts[PRODUCERS + i]);
    /* Whatever the consumers left behind is still in the queue: count it too. */
    void *item;
    while (cio_queue_get(s->q, &item) == 0) {
        int n = NUM(item) - 1;
        if (n >= 0 && n < ALL_ITEMS)
            s->seen[n]++;
    }
    cio_queue_free(s->q);
    return 0;
}

static void queue_never_loses_or_duplicates_under_cancellation(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= STRESS_SEEDS; seed++) {
        struct stress *s = calloc(1, sizeof *s);
        assert_non_null(s);
        s->rng = seed;
        assert_int_equal(run_vc_seeded(stress_main, s, seed), 0);
        int delivered = 0;
        for (int n = 0; n < ALL_ITEMS; n++) {
            if (s->seen[n] != s->put_ok[n])
                fail_msg("seed %llu: item %d was put %s and taken %d times",
                         (unsigned long long)seed, n, s->put_ok[n] ? "once" : "never", s->seen[n]);
            delivered += s->seen[n];
        }
        assert_true(delivered > 0);
        free(s);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Object accounting, function addresses, and describe lines in a report               */
/* ---------------------------------------------------------------------------------- */

static int objects_main(void *arg) {
    (void)arg;
    cio_stats before, during, after;
    cio_stats_get(&before);
    cio_lock *l = cio_lock_new();
    cio_event *e = cio_event_new();
    cio_sem *s = cio_sem_new(3);
    cio_cond *c = cio_cond_new(l);
    cio_queue *q = cio_queue_new(0);
    TASK_CHECK(l && e && s && c && q);
    cio_stats_get(&during);
    TASK_CHECK_INT(during.objects_live - before.objects_live, 5);
    cio_queue_free(q);
    cio_cond_free(c);
    cio_sem_free(s);
    cio_event_free(e);
    cio_lock_free(l);
    cio_stats_get(&after);
    TASK_CHECK_INT(after.objects_live, before.objects_live);
    return 0;
}

static void objects_are_counted_while_alive(void **state) {
    (void)state;
    assert_int_equal(run_vc(objects_main, NULL), 0);
}

struct signaller {
    cio_lock *lock; /* the condition's lock; owned by addresses_main */
    cio_cond *cond; /* signalled once, under the lock */
};

static int signal_once(void *arg) {
    struct signaller *sg = arg;
    TASK_CHECK_INT(cio_lock_acquire(sg->lock), 0);
    cio_cond_signal(sg->cond);
    cio_lock_release(sg->lock);
    return 0;
}

/* Every macro'd name also exists as a function whose address can be taken. */
static int addresses_main(void *arg) {
    (void)arg;
    cio_lock *(*lock_new)(void) = cio_lock_new;
    int (*lock_acquire)(cio_lock *) = cio_lock_acquire;
    cio_event *(*event_new)(void) = cio_event_new;
    int (*event_wait)(cio_event *) = cio_event_wait;
    cio_sem *(*sem_new)(unsigned) = cio_sem_new;
    int (*sem_acquire)(cio_sem *) = cio_sem_acquire;
    cio_cond *(*cond_new)(cio_lock *) = cio_cond_new;
    int (*cond_wait)(cio_cond *) = cio_cond_wait;
    cio_queue *(*queue_new)(size_t) = cio_queue_new;
    int (*queue_put)(cio_queue *, void *) = cio_queue_put;
    int (*queue_get)(cio_queue *, void **) = cio_queue_get;

    cio_lock *l = lock_new();
    TASK_CHECK_INT(lock_acquire(l), 0);
    TASK_CHECK_INT(lock_acquire(l), -EDEADLK);
    cio_cond *c = cond_new(l);
    struct signaller sg = {l, c};
    cio_task *t = cio_spawn(signal_once, &sg);
    TASK_CHECK_INT(cond_wait(c), 0); /* lets the signaller take the lock, then takes it back */
    cio_lock_release(l);
    TASK_CHECK_INT(cio_await(t), 0);
    cio_event *e = event_new();
    cio_event_set(e);
    TASK_CHECK_INT(event_wait(e), 0);
    cio_sem *s = sem_new(1);
    TASK_CHECK_INT(sem_acquire(s), 0);
    TASK_CHECK_INT(cio_sem_value(s), 0);
    cio_queue *q = queue_new(0);
    void *item = NULL;
    TASK_CHECK_INT(queue_put(q, ITEM(5)), 0);
    TASK_CHECK_INT(queue_get(q, &item), 0);
    TASK_CHECK_INT(NUM(item), 5);
    cio_queue_free(q);
    cio_sem_free(s);
    cio_event_free(e);
    cio_cond_free(c);
    cio_lock_free(l);
    return 0;
}

static void macro_names_are_also_functions(void **state) {
    (void)state;
    assert_int_equal(run_vc(addresses_main, NULL), 0);
}

/* Every waiter is stuck on a different primitive; the report describes each one. */
struct stuck {
    cio_queue *q; /* stuck_getter waits on it, empty; made and freed by main */
    cio_event *e; /* stuck_event_waiter waits on it, never set */
    cio_sem   *s; /* stuck_sem_waiter waits on it, no permits */
};

static int stuck_getter(void *arg) {
    void *item;
    return cio_queue_get(((struct stuck *)arg)->q, &item);
}

static int stuck_event_waiter(void *arg) { return cio_event_wait(((struct stuck *)arg)->e); }
static int stuck_sem_waiter(void *arg) { return cio_sem_acquire(((struct stuck *)arg)->s); }

static int stuck_main(void *arg) {
    struct stuck *st = arg;
    st->q = cio_queue_new(3);
    st->e = cio_event_new();
    st->s = cio_sem_new(0);
    cio_task *ts[3] = {cio_spawn(stuck_getter, st), cio_spawn(stuck_event_waiter, st),
                       cio_spawn(stuck_sem_waiter, st)};
    cio_gather(ts, 3);
    cio_queue_free(st->q);
    cio_event_free(st->e);
    cio_sem_free(st->s);
    return 0;
}

static void deadlock_report_describes_each_primitive(void **state) {
    (void)state;
    struct stuck st = {0};
    char *report;
    assert_int_equal(run_capturing_report(stuck_main, &st, &report), -EDEADLK);
    assert_contains(report, "stuck_getter");
    assert_contains(report, "queue");
    assert_contains(report, "empty");
    assert_contains(report, "stuck_event_waiter");
    assert_contains(report, "event");
    assert_contains(report, "not set");
    assert_contains(report, "stuck_sem_waiter");
    assert_contains(report, "semaphore");
    assert_contains(report, "0 permits free");
    free(report);
}

/* ---------------------------------------------------------------------------------- */
/* Misuse stops the program with a message                                            */
/* ---------------------------------------------------------------------------------- */

struct misuse_case {
    cio_fn      body;   /* runs as main in a forked child; must abort */
    const char *phrase; /* must appear in the child's stderr besides "misuse"; NULL: none */
};

static int release_unheld(void *arg) {
    (void)arg;
    cio_lock *l = cio_lock_new();
    cio_lock_release(l);
    return 0;
}

static int hold_for_a_while(void *arg) {
    cio_lock *l = arg;
    cio_lock_acquire(l);
    cio_sleep(10.0);
    cio_lock_release(l);
    return 0;
}

static int release_by_other_task(void *arg) {
    (void)arg;
    cio_lock *l = cio_lock_new();
    cio_task *t = cio_spawn(hold_for_a_while, l);
    cio_sleep(1.0);
    cio_lock_release(l);
    cio_await(t);
    return 0;
}

static int free_held_lock(void *arg) {
    (void)arg;
    cio_lock *l = cio_lock_new();
    cio_lock_acquire(l);
    cio_lock_free(l);
    return 0;
}

static int acquire_freed_lock(void *arg) {
    (void)arg;
    cio_lock *l = cio_lock_new();
    cio_lock_free(l);
    cio_lock_acquire(l); /* reads freed memory on purpose: the header must say "dead" */
    return 0;
}

static int acquire_null_lock(void *arg) {
    (void)arg;
    cio_lock_acquire(NULL);
    return 0;
}

static int acquire_an_event(void *arg) {
    (void)arg;
    cio_event *e = cio_event_new();
    cio_lock_acquire((cio_lock *)e);
    return 0;
}

static int cond_wait_without_lock(void *arg) {
    (void)arg;
    cio_lock *l = cio_lock_new();
    cio_cond *c = cio_cond_new(l);
    cio_cond_wait(c);
    return 0;
}

static int forever_get(void *arg) {
    void *item;
    return cio_queue_get(arg, &item);
}

static int free_queue_with_getter(void *arg) {
    (void)arg;
    cio_queue *q = cio_queue_new(0);
    cio_task *t = cio_spawn(forever_get, q);
    cio_yield();
    cio_queue_free(q);
    cio_await(t);
    return 0;
}

static int forever_wait(void *arg) { return cio_event_wait(arg); }

static int free_event_with_waiter(void *arg) {
    (void)arg;
    cio_event *e = cio_event_new();
    cio_task *t = cio_spawn(forever_wait, e);
    cio_yield();
    cio_event_free(e);
    cio_await(t);
    return 0;
}

static int forever_acquire(void *arg) { return cio_sem_acquire(arg); }

static int free_sem_with_waiter(void *arg) {
    (void)arg;
    cio_sem *s = cio_sem_new(0);
    cio_task *t = cio_spawn(forever_acquire, s);
    cio_yield();
    cio_sem_free(s);
    cio_await(t);
    return 0;
}

static int queue_get_null_item(void *arg) {
    (void)arg;
    cio_queue *q = cio_queue_new(0);
    cio_queue_get(q, NULL);
    return 0;
}

static void misuse_stops_with_message(void **state) {
    const struct misuse_case *mc = *state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        signal(SIGABRT, SIG_DFL);
        cio_config cfg = {.virtual_clock = 1};
        cio_run(mc->body, NULL, &cfg);
        _exit(0); /* reached only if the misuse went unnoticed */
    }
    close(fds[1]);
    char out[8192];
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
#if UNDER_ASAN
    /* AddressSanitizer stops a use after free itself, before the runtime can look. */
    if (mc->body == acquire_freed_lock) {
        if (!strstr(out, "heap-use-after-free"))
            fail_msg("AddressSanitizer did not report the use after free:\n%s", out);
        return;
    }
#endif
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        fail_msg("the child was not stopped by SIGABRT (status 0x%x); it printed:\n%s", status, out);
    if (!strstr(out, "misuse"))
        fail_msg("no \"misuse\" in the child's stderr:\n%s", out);
    if (mc->phrase && !strstr(out, mc->phrase))
        fail_msg("no \"%s\" in the child's stderr:\n%s", mc->phrase, out);
}

static const struct misuse_case misuse_release_unheld = {release_unheld, "not held"};
static const struct misuse_case misuse_release_other = {release_by_other_task,
                                                        "but task 'hold_for_a_while' holds it"};
static const struct misuse_case misuse_free_held = {free_held_lock, "while task 'main' holds it"};
static const struct misuse_case misuse_freed = {acquire_freed_lock, "cio_lock_acquire"};
static const struct misuse_case misuse_null = {acquire_null_lock, "cio_lock_acquire"};
static const struct misuse_case misuse_wrong_type = {acquire_an_event, "cio_lock_acquire"};
static const struct misuse_case misuse_cond = {cond_wait_without_lock, "without holding its lock"};
static const struct misuse_case misuse_queue_free = {free_queue_with_getter,
                                                     "task 'forever_get' waits on it"};
static const struct misuse_case misuse_event_free = {free_event_with_waiter,
                                                     "task 'forever_wait' waits for it"};
static const struct misuse_case misuse_sem_free = {free_sem_with_waiter,
                                                   "task 'forever_acquire' waits for it"};
static const struct misuse_case misuse_get_null = {queue_get_null_item, "NULL item pointer"};

#define MISUSE_TEST(what, c) {"misuse: " what, misuse_stops_with_message, NULL, NULL, (void *)&(c)}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lock_excludes_across_awaits),
        cmocka_unit_test(lock_is_fifo_without_barging),
        cmocka_unit_test(lock_acquire_free_by_cancelled_task_fails),
        cmocka_unit_test(lock_cancelled_waiter_gives_up_its_place),
        cmocka_unit_test(lock_handed_over_survives_cancellation),
        cmocka_unit_test(lock_reacquire_by_holder_is_edeadlk),
        cmocka_unit_test(lock_order_deadlock_is_reported),
        cmocka_unit_test(event_set_wakes_every_waiter),
        cmocka_unit_test(event_wait_on_set_event_is_an_instant_checkpoint),
        cmocka_unit_test(event_cancelled_waiter_returns_ecanceled),
        cmocka_unit_test(sem_admits_at_most_n_in_fifo_order),
        cmocka_unit_test(sem_release_hands_permit_to_first_waiter),
        cmocka_unit_test(cond_signal_wakes_one_broadcast_all),
        cmocka_unit_test(cond_wait_retakes_lock_after_cancellation),
        cmocka_unit_test(queue_unbounded_keeps_fifo_order_while_growing),
        cmocka_unit_test(queue_bounded_put_blocks_while_full),
        cmocka_unit_test(queue_close_fails_putters_and_drains),
        cmocka_unit_test(queue_close_wakes_blocked_getters),
        cmocka_unit_test(queue_cancelled_waiters_lose_and_duplicate_nothing),
        cmocka_unit_test(queue_handoff_survives_cancellation),
        cmocka_unit_test(queue_put_and_get_are_checkpoints),
        cmocka_unit_test(queue_never_loses_or_duplicates_under_cancellation),
        cmocka_unit_test(objects_are_counted_while_alive),
        cmocka_unit_test(macro_names_are_also_functions),
        cmocka_unit_test(deadlock_report_describes_each_primitive),
        MISUSE_TEST("release of a lock nobody holds", misuse_release_unheld),
        MISUSE_TEST("release by a task that does not hold the lock", misuse_release_other),
        MISUSE_TEST("free of a held lock", misuse_free_held),
        MISUSE_TEST("acquire of a freed lock", misuse_freed),
        MISUSE_TEST("acquire of a NULL lock", misuse_null),
        MISUSE_TEST("an event passed as a lock", misuse_wrong_type),
        MISUSE_TEST("cond_wait without the lock", misuse_cond),
        MISUSE_TEST("free of a queue with a getter", misuse_queue_free),
        MISUSE_TEST("free of an event with a waiter", misuse_event_free),
        MISUSE_TEST("free of a semaphore with a waiter", misuse_sem_free),
        MISUSE_TEST("queue_get into NULL", misuse_get_null),
    };
    return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}
