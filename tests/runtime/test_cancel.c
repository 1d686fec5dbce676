/*
 * test_cancel.c — task cancellation as the contract defines it: cio_cancel() returns
 * 0 or -EALREADY; cancellation is level-triggered (Trio, libdill), so every later
 * suspension fails with -ECANCELED, even one that would not have to wait; and a
 * cancelled awaiter (await, gather, wait_for) cancels, waits for and frees what it
 * awaits, while wait_any cancels nothing. Times are virtual and compared exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cio.h"
#include "support.h"

/* Work that sleeps; if interrupted, runs a cleanup (optionally a shielded sleep). */
struct worker {
    double delay;                 /* how long the work takes */
    int    status;                /* returned when the work completes */
    double cleanup_delay;         /* > 0: cleanup sleeps this long in a shielded scope */
    int    sleep_rc;              /* what the work's cio_sleep() returned */
    double stopped_at;            /* loop time the work's sleep returned */
    int    cleanup_rc;            /* what the cleanup's sleep returned */
    int    finished;              /* set when the body returns */
    double finished_at;           /* loop time the body returned */
};

static int work(void *p) {
    struct worker *w = p;
    w->sleep_rc = cio_sleep(w->delay);
    w->stopped_at = cio_now();
    if (w->sleep_rc != 0 && w->cleanup_delay > 0) {
        cio_scope shield;
        cio_scope_open(&shield, INFINITY, 1);
        w->cleanup_rc = cio_sleep(w->cleanup_delay);
        cio_scope_close(&shield);
    }
    w->finished = 1;
    w->finished_at = cio_now();
    return w->sleep_rc ? w->sleep_rc : w->status;
}

/* ---------------------------------------------------------------------------------- */
/* cio_cancel(): 0 for a live task (each time), -EALREADY for a finished one          */
/* ---------------------------------------------------------------------------------- */

struct cancel_rc_state {
    struct worker sleeper;        /* sleeps 10 s; cancelled */
    struct worker quick;          /* returns 6 at once; cancelled after it finished */
    int rc_first;                 /* cio_cancel(sleeper) */
    int rc_second;                /* cio_cancel(sleeper) again, before it woke */
    int sleeper_status;           /* cio_await(sleeper) */
    int rc_finished;              /* cio_cancel(quick) after it returned */
    int quick_status;             /* cio_await(quick): unaffected */
};

static int cancel_rc_main(void *p) {
    struct cancel_rc_state *s = p;
    s->sleeper = (struct worker){.delay = 10.0};
    s->quick = (struct worker){.delay = 0, .status = 6};
    cio_task *sleeper = cio_spawn(work, &s->sleeper);
    cio_task *quick = cio_spawn(work, &s->quick);
    cio_sleep(0.5); /* both have run: sleeper sleeps, quick has returned */
    s->rc_first = cio_cancel(sleeper);
    s->rc_second = cio_cancel(sleeper);
    s->sleeper_status = cio_await(sleeper);
    s->rc_finished = cio_cancel(quick);
    s->quick_status = cio_await(quick);
    return 0;
}

static void cancel_returns_zero_or_ealready_for_a_finished_task(void **state) {
    (void)state;
    struct cancel_rc_state s = {0};
    assert_int_equal(run_virtual(cancel_rc_main, &s), 0);
    assert_int_equal(s.rc_first, 0);
    assert_int_equal(s.rc_second, 0);
    assert_int_equal(s.sleeper.sleep_rc, -ECANCELED);
    assert_int_equal(s.sleeper_status, -ECANCELED);
    assert_true(s.quick.finished);
    assert_int_equal(s.rc_finished, -EALREADY);
    assert_int_equal(s.quick_status, 6);
    assert_int_equal(s.quick.sleep_rc, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Level-triggered: every later suspension returns -ECANCELED                         */
/* ---------------------------------------------------------------------------------- */

struct level_state {
    double     t0;                /* loop time when main started */
    cio_lock  *free_lock;         /* never held: acquiring it would not wait */
    cio_lock  *cond_lock;         /* held by the task across cio_cond_wait() */
    cio_cond  *cond;              /* bound to cond_lock */
    cio_event *set_event;         /* already set: waiting would not wait */
    cio_sem   *sem;               /* one permit: acquiring would not wait */
    cio_queue *queue;             /* holds one item: getting would not wait */
    struct worker child;          /* awaited by the cancelled task */
    int    cancelled_before;      /* cio_is_cancelled() before the cancel */
    int    first_rc;              /* the sleep interrupted by the cancel */
    double first_at;              /* loop time it returned */
    int    cancelled_after;       /* cio_is_cancelled() after */
    int    sleep_rc;              /* cio_sleep(1) */
    int    sleep_until_rc;        /* cio_sleep_until(now + 1) */
    int    yield_rc;              /* cio_yield() */
    int    event_rc;              /* cio_event_wait() on a set event */
    int    lock_rc;               /* cio_lock_acquire() of a free lock */
    int    sem_rc;                /* cio_sem_acquire() with a permit available */
    int    get_rc;                /* cio_queue_get() on a non-empty queue */
    void  *got_item;              /* what that get stored (must stay NULL) */
    int    put_rc;                /* cio_queue_put() on an unbounded queue */
    int    cond_rc;               /* cio_cond_wait() */
    int    await_rc;              /* cio_await() of a sleeping child */
    double last_at;               /* loop time after all of them */
    int    still_cancelled;       /* cio_is_cancelled() at the end */
    int    status;                /* cio_await() of the cancelled task, by main */
    int    free_lock_rc_after;    /* main acquiring free_lock afterwards */
    unsigned sem_value_after;     /* permits left afterwards */
    size_t queue_size_after;      /* items left afterwards */
};

static int item;                  /* the address queued as an item */

static int stubborn(void *p) {
    struct level_state *s = p;
    if (cio_lock_acquire(s->cond_lock) != 0) return -EIO;
    s->cancelled_before = cio_is_cancelled();
    s->first_rc = cio_sleep(10.0);
    s->first_at = cio_now();
    s->cancelled_after = cio_is_cancelled();
    s->sleep_rc = cio_sleep(1.0);
    s->sleep_until_rc = cio_sleep_until(cio_now() + 1.0);
    s->yield_rc = cio_yield();
    s->event_rc = cio_event_wait(s->set_event);
    s->lock_rc = cio_lock_acquire(s->free_lock);
    s->sem_rc = cio_sem_acquire(s->sem);
    s->get_rc = cio_queue_get(s->queue, &s->got_item);
    s->put_rc = cio_queue_put(s->queue, &item);
    s->cond_rc = cio_cond_wait(s->cond);
    cio_lock_release(s->cond_lock); /* held again after cond_wait, even cancelled */
    s->child = (struct worker){.delay = 5.0};
    s->await_rc = cio_await(cio_spawn(work, &s->child));
    s->last_at = cio_now();
    s->still_cancelled = cio_is_cancelled();
    return 0;
}

static int level_main(void *p) {
    struct level_state *s = p;
    s->t0 = cio_now();
    s->free_lock = cio_lock_new();
    s->cond_lock = cio_lock_new();
    s->cond = cio_cond_new(s->cond_lock);
    s->set_event = cio_event_new();
    cio_event_set(s->set_event);
    s->sem = cio_sem_new(1);
    s->queue = cio_queue_new(0);
    cio_queue_put(s->queue, &item);

    cio_task *t = cio_spawn(stubborn, s);
    cio_sleep(1.0);
    cio_cancel(t);
    s->status = cio_await(t);

    s->free_lock_rc_after = cio_lock_acquire(s->free_lock);
    if (s->free_lock_rc_after == 0) cio_lock_release(s->free_lock);
    s->sem_value_after = cio_sem_value(s->sem);
    s->queue_size_after = cio_queue_size(s->queue);
    void *drained;
    while (cio_queue_size(s->queue) > 0) cio_queue_get(s->queue, &drained);
    cio_queue_free(s->queue);
    cio_sem_free(s->sem);
    cio_event_free(s->set_event);
    cio_cond_free(s->cond);
    cio_lock_free(s->cond_lock);
    cio_lock_free(s->free_lock);
    return 0;
}

static void every_suspension_after_cancel_returns_ecanceled(void **state) {
    (void)state;
    struct level_state s = {0};
    assert_int_equal(run_virtual(level_main, &s), 0);
    assert_int_equal(s.cancelled_before, 0);
    assert_int_equal(s.first_rc, -ECANCELED);
    assert_time_equal(s.first_at - s.t0, 1.0);
    assert_true(s.cancelled_after);
    assert_int_equal(s.sleep_rc, -ECANCELED);
    assert_int_equal(s.sleep_until_rc, -ECANCELED);
    assert_int_equal(s.yield_rc, -ECANCELED);
    assert_int_equal(s.event_rc, -ECANCELED);
    assert_int_equal(s.lock_rc, -ECANCELED);
    assert_int_equal(s.sem_rc, -ECANCELED);
    assert_int_equal(s.get_rc, -ECANCELED);
    assert_null(s.got_item);
    assert_int_equal(s.put_rc, -ECANCELED);
    assert_int_equal(s.cond_rc, -ECANCELED);
    assert_int_equal(s.await_rc, -ECANCELED);
    assert_int_equal(s.child.sleep_rc, -ECANCELED); /* the awaited child was cancelled */
    assert_time_equal(s.last_at, s.first_at);       /* nothing waited */
    assert_true(s.still_cancelled);
    assert_int_equal(s.status, 0);
    /* the failed calls took nothing */
    assert_int_equal(s.free_lock_rc_after, 0);
    assert_int_equal(s.sem_value_after, 1);
    assert_int_equal(s.queue_size_after, 1);
}

/* ---------------------------------------------------------------------------------- */
/* A cancelled awaiter cancels, waits for and frees what it awaits                    */
/* ---------------------------------------------------------------------------------- */

struct awaiter_state {
    double        t0;             /* loop time when main started */
    struct worker inner[3];       /* what the middle task awaits */
    int           rc;             /* what the middle task's wait returned */
    double        returned_at;    /* loop time it returned, relative to t0 */
    uint64_t      live_before;    /* tasks_live in middle before spawning */
    uint64_t      live_after;     /* tasks_live in middle after its wait returned */
    int           inner_done_seen[3]; /* inner[i].finished when the wait returned */
    int           middle_status;  /* cio_await(middle) by main */
    cio_task     *left_over[2];   /* wait_any: tasks handed back to main */
    int           gather_rc;      /* wait_any: main's gather of left_over */
};

static void note_return(struct awaiter_state *s, int rc) {
    s->rc = rc;
    s->returned_at = cio_now() - s->t0;
    s->live_after = live_tasks();
    for (int i = 0; i < 3; i++) s->inner_done_seen[i] = s->inner[i].finished;
}

static int middle_await(void *p) {
    struct awaiter_state *s = p;
    s->live_before = live_tasks();
    cio_task *t = cio_spawn(work, &s->inner[0]);
    note_return(s, cio_await(t));
    return s->rc;
}

static int middle_gather(void *p) {
    struct awaiter_state *s = p;
    s->live_before = live_tasks();
    cio_task *ts[3];
    for (int i = 0; i < 3; i++) ts[i] = cio_spawn(work, &s->inner[i]);
    note_return(s, cio_gather(ts, 3));
    return s->rc;
}

static int middle_wait_for(void *p) {
    struct awaiter_state *s = p;
    s->live_before = live_tasks();
    note_return(s, cio_wait_for(cio_spawn(work, &s->inner[0]), 5.0));
    return s->rc;
}

static int middle_wait_any(void *p) {
    struct awaiter_state *s = p;
    s->live_before = live_tasks();
    s->left_over[0] = cio_spawn(work, &s->inner[0]);
    s->left_over[1] = cio_spawn(work, &s->inner[1]);
    note_return(s, cio_wait_any(s->left_over, 2, -1));
    return s->rc; /* the tasks stay alive: main owns them now */
}

/* Main: start @p middle, cancel it after 1 s, await it. */
static int cancel_middle_after_one_second(struct awaiter_state *s, cio_fn middle) {
    s->t0 = cio_now();
    cio_task *m = cio_spawn_named(middle, s, "middle");
    cio_sleep(1.0);
    cio_cancel(m);
    s->middle_status = cio_await(m);
    return 0;
}

static int await_case_main(void *p) { return cancel_middle_after_one_second(p, middle_await); }
static int gather_case_main(void *p) { return cancel_middle_after_one_second(p, middle_gather); }
static int wait_for_case_main(void *p) { return cancel_middle_after_one_second(p, middle_wait_for); }
static int wait_any_case_main(void *p) {
    struct awaiter_state *s = p;
    cancel_middle_after_one_second(s, middle_wait_any);
    s->gather_rc = cio_gather(s->left_over, 2);
    return 0;
}

static void cancelled_awaiter_cancels_waits_for_and_frees_the_task(void **state) {
    (void)state;
    struct awaiter_state s = {0};
    s.inner[0] = (struct worker){.delay = 10.0, .cleanup_delay = 0.5};
    assert_int_equal(run_virtual(await_case_main, &s), 0);
    assert_int_equal(s.rc, -ECANCELED);
    assert_int_equal(s.middle_status, -ECANCELED);
    assert_int_equal(s.inner[0].sleep_rc, -ECANCELED);       /* the awaited task was cancelled */
    assert_time_equal(s.inner[0].stopped_at - s.t0, 1.0);
    assert_int_equal(s.inner[0].cleanup_rc, 0);              /* its shielded cleanup slept */
    assert_true(s.inner_done_seen[0]);                       /* and finished before await returned */
    assert_time_equal(s.returned_at, 1.5);
    assert_int_equal(s.live_after, s.live_before);           /* and was freed */
}

static void cancelled_gather_cancels_waits_for_and_frees_all(void **state) {
    (void)state;
    struct awaiter_state s = {0};
    s.inner[0] = (struct worker){.delay = 0.5, .status = 0}; /* done before the cancel */
    s.inner[1] = (struct worker){.delay = 10.0};
    s.inner[2] = (struct worker){.delay = 20.0, .cleanup_delay = 0.25};
    assert_int_equal(run_virtual(gather_case_main, &s), 0);
    assert_int_equal(s.rc, -ECANCELED);
    assert_int_equal(s.inner[0].sleep_rc, 0);
    assert_int_equal(s.inner[1].sleep_rc, -ECANCELED);
    assert_int_equal(s.inner[2].sleep_rc, -ECANCELED);
    assert_int_equal(s.inner[2].cleanup_rc, 0);
    for (int i = 0; i < 3; i++) assert_true(s.inner_done_seen[i]);
    assert_time_equal(s.returned_at, 1.25);
    assert_int_equal(s.live_after, s.live_before);
}

static void cancelled_wait_for_cancels_waits_for_and_frees_the_task(void **state) {
    (void)state;
    struct awaiter_state s = {0};
    s.inner[0] = (struct worker){.delay = 10.0};
    assert_int_equal(run_virtual(wait_for_case_main, &s), 0);
    assert_int_equal(s.rc, -ECANCELED); /* the caller was cancelled: not -ETIMEDOUT */
    assert_int_equal(s.inner[0].sleep_rc, -ECANCELED);
    assert_true(s.inner_done_seen[0]);
    assert_time_equal(s.returned_at, 1.0);
    assert_int_equal(s.live_after, s.live_before);
}

static void cancelled_wait_any_cancels_nothing(void **state) {
    (void)state;
    struct awaiter_state s = {0};
    s.inner[0] = (struct worker){.delay = 3.0, .status = 0};
    s.inner[1] = (struct worker){.delay = 4.0, .status = 0};
    assert_int_equal(run_virtual(wait_any_case_main, &s), 0);
    assert_int_equal(s.rc, -ECANCELED);
    assert_time_equal(s.returned_at, 1.0);
    assert_int_equal(s.live_after, s.live_before + 2); /* frees none */
    assert_int_equal(s.inner_done_seen[0], 0);
    assert_int_equal(s.gather_rc, 0);
    assert_int_equal(s.inner[0].sleep_rc, 0); /* neither was cancelled */
    assert_int_equal(s.inner[1].sleep_rc, 0);
    assert_time_equal(s.inner[0].finished_at - s.t0, 3.0);
    assert_time_equal(s.inner[1].finished_at - s.t0, 4.0);
}

/* ---------------------------------------------------------------------------------- */
/* Gathering when already cancelled                                                   */
/* ---------------------------------------------------------------------------------- */

/* A task that is cancelled before it calls cio_gather still cancels every task it
 * gathers (they do not run to their natural end) and returns -ECANCELED at once. */
struct late_gather {
    int    sleep_rc[2];  /* what each 5 s sleeper's cio_sleep returned */
    int    gather_rc;    /* what cio_gather returned */
    double gather_done;  /* loop time it returned */
};

struct late_sleeper {
    struct late_gather *g; /* shared results */
    int                 i; /* which sleeper */
};

static int late_sleeper_body(void *p) {
    struct late_sleeper *s = p;
    s->g->sleep_rc[s->i] = cio_sleep(5.0);
    return 0;
}

static int gathering_parent(void *p) {
    struct late_gather *g = p;
    cio_sleep(2.0); /* cancelled at 1 s: returns -ECANCELED; the task stays cancelled */
    struct late_sleeper a = {g, 0}, b = {g, 1};
    cio_task *ts[2] = {cio_spawn(late_sleeper_body, &a), cio_spawn(late_sleeper_body, &b)};
    g->gather_rc = cio_gather(ts, 2);
    g->gather_done = cio_now();
    return 0;
}

static int late_gather_main(void *p) {
    cio_task *parent = cio_spawn(gathering_parent, p);
    cio_sleep(1.0);
    cio_cancel(parent);
    return cio_await(parent);
}

static void gather_called_when_cancelled_cancels_every_task(void **state) {
    (void)state;
    struct late_gather g = {{1, 1}, 1, 0};
    assert_int_equal(run_virtual(late_gather_main, &g), 0);
    assert_int_equal(g.gather_rc, -ECANCELED);
    assert_int_equal(g.sleep_rc[0], -ECANCELED);
    assert_int_equal(g.sleep_rc[1], -ECANCELED);
    assert_time_equal(g.gather_done, 1.0);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancel_returns_zero_or_ealready_for_a_finished_task),
        cmocka_unit_test(every_suspension_after_cancel_returns_ecanceled),
        cmocka_unit_test(cancelled_awaiter_cancels_waits_for_and_frees_the_task),
        cmocka_unit_test(cancelled_gather_cancels_waits_for_and_frees_all),
        cmocka_unit_test(cancelled_wait_for_cancels_waits_for_and_frees_the_task),
        cmocka_unit_test(cancelled_wait_any_cancels_nothing),
        cmocka_unit_test(gather_called_when_cancelled_cancels_every_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
