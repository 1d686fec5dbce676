/*
 * test_tasks.c — tasks as asyncio defines them: cio_spawn is create_task (lazy, FIFO),
 * cio_await joins and frees, cio_detach forgets, and the combinators gather, wait_any
 * and wait_for keep their documented results, times and ownership. Every time is
 * virtual, so the tests compare times exactly; tasks record what they saw in structs
 * and the assertions run after cio_run() returns.
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

/* A task that sleeps, records when it finished, and returns a chosen status. */
struct job {
    double delay;                 /* seconds to sleep */
    int    status;                /* what to return */
    int    sleep_rc;              /* what cio_sleep() returned */
    int    finished;              /* set when the body returns */
    double finished_at;           /* cio_now() when it returned */
};

static int sleep_then_return(void *p) {
    struct job *j = p;
    j->sleep_rc = cio_sleep(j->delay);
    j->finished = 1;
    j->finished_at = cio_now();
    return j->status;
}

/* ---------------------------------------------------------------------------------- */
/* Spawning is lazy: the child first runs when its creator suspends                   */
/* ---------------------------------------------------------------------------------- */

struct lazy_state {
    double t0;                    /* loop time when main started */
    int    child_ran;             /* set by the child */
    double child_ran_at;          /* cio_now() in the child */
    int    ran_before_suspend;    /* child_ran when main was about to suspend */
    int    child_status;          /* cio_await() of the child */
};

static int lazy_child(void *p) {
    struct lazy_state *s = p;
    s->child_ran = 1;
    s->child_ran_at = cio_now();
    return 3;
}

static int lazy_main(void *p) {
    struct lazy_state *s = p;
    s->t0 = cio_now();
    cio_task *t = cio_spawn(lazy_child, s);
    volatile unsigned long work = 0;
    for (unsigned long i = 0; i < 100000; i++) work += i; /* the creator keeps running */
    s->ran_before_suspend = s->child_ran;
    cio_sleep(1.0);
    s->child_status = cio_await(t);
    return 0;
}

static void spawned_task_first_runs_when_its_creator_suspends(void **state) {
    (void)state;
    struct lazy_state s = {0};
    assert_int_equal(run_virtual(lazy_main, &s), 0);
    assert_int_equal(s.ran_before_suspend, 0);
    assert_int_equal(s.child_ran, 1);
    assert_time_equal(s.child_ran_at, s.t0); /* as soon as main slept, not after */
    assert_int_equal(s.child_status, 3);
}

/* ---------------------------------------------------------------------------------- */
/* FIFO round-robin: tasks that yield to each other take turns                        */
/* ---------------------------------------------------------------------------------- */

enum { ROUNDS = 4 };

struct turn_log {
    char text[64];                /* one letter per turn, in the order taken */
    int  len;                     /* letters so far */
};

struct turn_taker {
    struct turn_log *log;         /* shared log */
    char             letter;      /* what this task appends each turn */
    int              yield_rc;    /* OR of every cio_yield() result */
};

static int take_turns(void *p) {
    struct turn_taker *t = p;
    for (int i = 0; i < ROUNDS; i++) {
        t->log->text[t->log->len++] = t->letter;
        t->yield_rc |= cio_yield();
    }
    return 0;
}

static int round_robin_main(void *p) {
    struct turn_log *log = p;
    struct turn_taker takers[3] = {{log, 'A', 0}, {log, 'B', 0}, {log, 'C', 0}};
    cio_task *ts[3];
    for (int i = 0; i < 3; i++) ts[i] = cio_spawn(take_turns, &takers[i]);
    struct turn_taker me = {log, 'M', 0};
    take_turns(&me); /* main takes turns too */
    int rc = cio_gather(ts, 3);
    for (int i = 0; i < 3; i++) rc |= takers[i].yield_rc;
    return rc | me.yield_rc;
}

static void yielding_tasks_take_turns_round_robin(void **state) {
    (void)state;
    struct turn_log log = {0};
    assert_int_equal(run_virtual(round_robin_main, &log), 0);
    assert_string_equal(log.text, "MABCMABCMABCMABC");
}

/* ---------------------------------------------------------------------------------- */
/* await returns the status and frees; detach frees when done                         */
/* ---------------------------------------------------------------------------------- */

struct await_state {
    uint64_t live_before;         /* tasks_live before spawning */
    uint64_t live_spawned;        /* tasks_live after spawning */
    uint64_t live_awaited;        /* tasks_live after cio_await() */
    int      status;              /* cio_await() of a task returning -EIO */
    int      done_before_await;   /* cio_task_done() of a task that already returned */
    int      done_status;         /* cio_await() of that finished task */
    double   done_await_took;     /* loop time that await took */
    struct job failing;           /* returns -EIO after 1 s */
    struct job quick;             /* returns 9 at once */
};

static int await_main(void *p) {
    struct await_state *s = p;
    s->live_before = live_tasks();
    s->failing = (struct job){.delay = 1.0, .status = -EIO};
    cio_task *t = cio_spawn(sleep_then_return, &s->failing);
    s->live_spawned = live_tasks();
    s->status = cio_await(t);
    s->live_awaited = live_tasks();

    s->quick = (struct job){.delay = 0, .status = 9};
    cio_task *q = cio_spawn(sleep_then_return, &s->quick);
    cio_sleep(1.0);
    s->done_before_await = cio_task_done(q);
    double before = cio_now();
    s->done_status = cio_await(q);
    s->done_await_took = cio_now() - before;
    return 0;
}

static void await_returns_the_status_and_frees_the_task(void **state) {
    (void)state;
    struct await_state s = {0};
    assert_int_equal(run_virtual(await_main, &s), 0);
    assert_int_equal(s.status, -EIO);
    assert_int_equal(s.live_spawned, s.live_before + 1);
    assert_int_equal(s.live_awaited, s.live_before);
    assert_true(s.done_before_await);
    assert_int_equal(s.done_status, 9);
    assert_time_equal(s.done_await_took, 0.0);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.tasks_live, 0);
}

struct detach_state {
    uint64_t   live_before;       /* tasks_live before spawning */
    uint64_t   live_detached;     /* tasks_live right after cio_detach() */
    uint64_t   live_after;        /* tasks_live after the detached task finished */
    struct job job;               /* the detached work */
};

static int detach_main(void *p) {
    struct detach_state *s = p;
    s->live_before = live_tasks();
    s->job = (struct job){.delay = 1.0, .status = -EIO}; /* a detached failure is dropped */
    cio_detach(cio_spawn(sleep_then_return, &s->job));
    s->live_detached = live_tasks();
    cio_sleep(2.0);
    s->live_after = live_tasks();
    return 0;
}

static void detached_task_runs_and_is_freed_when_done(void **state) {
    (void)state;
    struct detach_state s = {0};
    assert_int_equal(run_virtual(detach_main, &s), 0);
    assert_int_equal(s.live_detached, s.live_before + 1);
    assert_true(s.job.finished);
    assert_int_equal(s.live_after, s.live_before);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.tasks_pending_at_exit, 0);
    assert_int_equal(st.tasks_live, 0);
}

/* ---------------------------------------------------------------------------------- */
/* gather: all awaited, all freed, first error in array order                         */
/* ---------------------------------------------------------------------------------- */

struct gather_state {
    struct job jobs[3];           /* [0] -EIO at 2 s, [1] -ENOENT at 1 s, [2] 0 at 3 s */
    double     t0;                /* loop time before gather */
    int        rc;                /* cio_gather() */
    double     took;              /* loop time gather took */
    uint64_t   live_before;       /* tasks_live before spawning */
    uint64_t   live_after;        /* tasks_live after gather */
    int        rc_empty;          /* cio_gather() of nothing */
    int        rc_all_ok;         /* cio_gather() of tasks that all succeed */
    struct job ok_jobs[2];        /* those tasks */
};

static int gather_main(void *p) {
    struct gather_state *s = p;
    s->jobs[0] = (struct job){.delay = 2.0, .status = -EIO};
    s->jobs[1] = (struct job){.delay = 1.0, .status = -ENOENT}; /* fails first in time */
    s->jobs[2] = (struct job){.delay = 3.0, .status = 0};
    s->live_before = live_tasks();
    cio_task *ts[3];
    for (int i = 0; i < 3; i++) ts[i] = cio_spawn(sleep_then_return, &s->jobs[i]);
    s->t0 = cio_now();
    s->rc = cio_gather(ts, 3);
    s->took = cio_now() - s->t0;
    s->live_after = live_tasks();

    cio_task *none[1] = {NULL};
    s->rc_empty = cio_gather(none, 0);
    s->ok_jobs[0] = (struct job){.delay = 1.0, .status = 0};
    s->ok_jobs[1] = (struct job){.delay = 0.5, .status = 0};
    cio_task *ok[2] = {cio_spawn(sleep_then_return, &s->ok_jobs[0]),
                       cio_spawn(sleep_then_return, &s->ok_jobs[1])};
    s->rc_all_ok = cio_gather(ok, 2);
    return 0;
}

static void gather_returns_first_error_in_array_order_and_frees_all(void **state) {
    (void)state;
    struct gather_state s = {0};
    assert_int_equal(run_virtual(gather_main, &s), 0);
    assert_int_equal(s.rc, -EIO); /* not -ENOENT, which happened first in time */
    assert_time_equal(s.took, 3.0); /* it awaited every task, the slowest included */
    for (int i = 0; i < 3; i++) {
        assert_true(s.jobs[i].finished);
        assert_int_equal(s.jobs[i].sleep_rc, 0); /* a failure cancels no sibling */
        assert_time_equal(s.jobs[i].finished_at - s.t0, s.jobs[i].delay);
    }
    assert_int_equal(s.live_after, s.live_before);
    assert_int_equal(s.rc_empty, 0);
    assert_int_equal(s.rc_all_ok, 0);
    assert_true(s.ok_jobs[0].finished && s.ok_jobs[1].finished);
}

/* ---------------------------------------------------------------------------------- */
/* wait_any: lowest finished index, polling, exact timeout, cancels and frees none    */
/* ---------------------------------------------------------------------------------- */

struct wait_any_state {
    struct job jobs[3];           /* finish at 3 s, 2 s, 1 s with statuses 10, 11, 12 */
    double     t0;                /* loop time before the first wait */
    int        rc_poll_early;     /* wait_any(timeout 0) before any finished */
    double     poll_took;         /* loop time that poll took */
    int        rc_first;          /* wait_any(no timeout): first to finish */
    double     first_at;          /* loop time it returned */
    uint64_t   live_before;       /* tasks_live after spawning */
    uint64_t   live_after_wait;   /* tasks_live after wait_any returned (frees none) */
    int        rc_poll_late;      /* wait_any(timeout 0) at 2.5 s: two have finished */
    int        rc_again;          /* wait_any(timeout 10) with finished tasks */
    double     again_took;        /* loop time it took */
    int        done[3];           /* cio_task_done() at 2.5 s */
    int        status[3];         /* cio_await() of each */
};

static int wait_any_main(void *p) {
    struct wait_any_state *s = p;
    s->jobs[0] = (struct job){.delay = 3.0, .status = 10};
    s->jobs[1] = (struct job){.delay = 2.0, .status = 11};
    s->jobs[2] = (struct job){.delay = 1.0, .status = 12};
    cio_task *ts[3];
    for (int i = 0; i < 3; i++) ts[i] = cio_spawn(sleep_then_return, &s->jobs[i]);
    s->live_before = live_tasks();
    s->t0 = cio_now();
    s->rc_poll_early = cio_wait_any(ts, 3, 0);
    s->poll_took = cio_now() - s->t0;
    s->rc_first = cio_wait_any(ts, 3, -1);
    s->first_at = cio_now() - s->t0;
    s->live_after_wait = live_tasks();
    cio_sleep_until(s->t0 + 2.5);
    for (int i = 0; i < 3; i++) s->done[i] = cio_task_done(ts[i]);
    s->rc_poll_late = cio_wait_any(ts, 3, 0);
    double before = cio_now();
    s->rc_again = cio_wait_any(ts, 3, 10.0);
    s->again_took = cio_now() - before;
    for (int i = 0; i < 3; i++) s->status[i] = cio_await(ts[i]);
    return 0;
}

static void wait_any_returns_lowest_finished_index_and_frees_none(void **state) {
    (void)state;
    struct wait_any_state s = {0};
    assert_int_equal(run_virtual(wait_any_main, &s), 0);
    assert_int_equal(s.rc_poll_early, -ETIMEDOUT);
    assert_time_equal(s.poll_took, 0.0);
    assert_int_equal(s.rc_first, 2);
    assert_time_equal(s.first_at, 1.0);
    assert_int_equal(s.live_after_wait, s.live_before);
    assert_int_equal(s.done[0], 0);
    assert_true(s.done[1]);
    assert_true(s.done[2]);
    assert_int_equal(s.rc_poll_late, 1); /* the lowest finished index, not the latest */
    assert_int_equal(s.rc_again, 1);
    assert_time_equal(s.again_took, 0.0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.status[i], 10 + i);
        assert_int_equal(s.jobs[i].sleep_rc, 0); /* nobody was cancelled */
    }
    assert_time_equal(s.jobs[0].finished_at - s.t0, 3.0);
}

struct wait_any_timeout_state {
    struct job jobs[2];           /* both finish at 5 s */
    double     t0;                /* loop time before waiting */
    int        rc;                /* wait_any(timeout 1.5) */
    double     returned_at;       /* loop time it returned, relative to t0 */
    int        rc_gather;         /* gather of both afterwards */
};

static int wait_any_timeout_main(void *p) {
    struct wait_any_timeout_state *s = p;
    cio_task *ts[2];
    for (int i = 0; i < 2; i++) {
        s->jobs[i] = (struct job){.delay = 5.0, .status = 0};
        ts[i] = cio_spawn(sleep_then_return, &s->jobs[i]);
    }
    s->t0 = cio_now();
    s->rc = cio_wait_any(ts, 2, 1.5);
    s->returned_at = cio_now() - s->t0;
    s->rc_gather = cio_gather(ts, 2);
    return 0;
}

static void wait_any_times_out_at_the_exact_time_and_cancels_nothing(void **state) {
    (void)state;
    struct wait_any_timeout_state s = {0};
    assert_int_equal(run_virtual(wait_any_timeout_main, &s), 0);
    assert_int_equal(s.rc, -ETIMEDOUT);
    assert_time_equal(s.returned_at, 1.5);
    assert_int_equal(s.rc_gather, 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(s.jobs[i].sleep_rc, 0);
        assert_time_equal(s.jobs[i].finished_at - s.t0, 5.0);
    }
}

/* ---------------------------------------------------------------------------------- */
/* wait_for: status in time; on timeout cancel, wait (cleanup included), -ETIMEDOUT  */
/* ---------------------------------------------------------------------------------- */

struct slow_worker {
    double delay;                 /* how long the work would take */
    int    shielded_cleanup;      /* nonzero: cleanup sleeps cleanup_delay in a shielded scope */
    double cleanup_delay;         /* length of that cleanup */
    int    sleep_rc;              /* what the work's cio_sleep() returned */
    double cancelled_at;          /* loop time the work was interrupted */
    int    cleanup_rc;            /* what the cleanup's sleep returned */
    int    cleanup_done;          /* set when cleanup finished */
    double cleanup_done_at;       /* loop time cleanup finished */
};

static int work_with_cleanup(void *p) {
    struct slow_worker *w = p;
    w->sleep_rc = cio_sleep(w->delay);
    w->cancelled_at = cio_now();
    if (w->sleep_rc == 0) return 0;
    if (w->shielded_cleanup) {
        cio_scope shield;
        cio_scope_open(&shield, INFINITY, 1);
        w->cleanup_rc = cio_sleep(w->cleanup_delay);
        cio_scope_close(&shield);
    }
    w->cleanup_done = 1;
    w->cleanup_done_at = cio_now();
    return w->sleep_rc;
}

struct wait_for_state {
    double     t0;                /* loop time before each wait_for */
    struct job in_time;           /* returns 7 after 1 s */
    int        rc_in_time;        /* wait_for(in_time, 2) */
    double     in_time_took;      /* loop time it took */
    struct slow_worker plain;     /* would take 10 s; cleanup does not suspend */
    int        rc_plain;          /* wait_for(plain, 2) */
    double     plain_took;        /* loop time it took */
    int        plain_cleanup_seen; /* plain.cleanup_done when wait_for returned */
    struct slow_worker shielded;  /* would take 10 s; cleanup sleeps 0.5 s shielded */
    int        rc_shielded;       /* wait_for(shielded, 2) */
    double     shielded_took;     /* loop time it took */
    int        shielded_cleanup_seen; /* shielded.cleanup_done when wait_for returned */
    struct job finished;          /* already finished when waited for; returns 4 */
    int        rc_finished;       /* wait_for(finished, 1) */
    uint64_t   live_before;       /* tasks_live before any spawn */
    uint64_t   live_after;        /* tasks_live at the end */
};

static int wait_for_main(void *p) {
    struct wait_for_state *s = p;
    s->live_before = live_tasks();

    s->in_time = (struct job){.delay = 1.0, .status = 7};
    s->t0 = cio_now();
    s->rc_in_time = cio_wait_for(cio_spawn(sleep_then_return, &s->in_time), 2.0);
    s->in_time_took = cio_now() - s->t0;

    s->plain = (struct slow_worker){.delay = 10.0};
    s->t0 = cio_now();
    s->rc_plain = cio_wait_for(cio_spawn(work_with_cleanup, &s->plain), 2.0);
    s->plain_took = cio_now() - s->t0;
    s->plain_cleanup_seen = s->plain.cleanup_done;

    s->shielded = (struct slow_worker){.delay = 10.0, .shielded_cleanup = 1, .cleanup_delay = 0.5};
    s->t0 = cio_now();
    s->rc_shielded = cio_wait_for(cio_spawn(work_with_cleanup, &s->shielded), 2.0);
    s->shielded_took = cio_now() - s->t0;
    s->shielded_cleanup_seen = s->shielded.cleanup_done;

    s->finished = (struct job){.delay = 0, .status = 4};
    cio_task *f = cio_spawn(sleep_then_return, &s->finished);
    cio_sleep(0.1);
    s->rc_finished = cio_wait_for(f, 1.0);

    s->live_after = live_tasks();
    return 0;
}

static void wait_for_returns_status_or_cancels_waits_and_times_out(void **state) {
    (void)state;
    struct wait_for_state s = {0};
    assert_int_equal(run_virtual(wait_for_main, &s), 0);

    assert_int_equal(s.rc_in_time, 7);
    assert_time_equal(s.in_time_took, 1.0);

    assert_int_equal(s.rc_plain, -ETIMEDOUT);
    assert_time_equal(s.plain_took, 2.0); /* exactly the timeout */
    assert_int_equal(s.plain.sleep_rc, -ECANCELED);
    assert_true(s.plain_cleanup_seen); /* the task finished before wait_for returned */

    assert_int_equal(s.rc_shielded, -ETIMEDOUT);
    assert_int_equal(s.shielded.sleep_rc, -ECANCELED);
    assert_time_equal(s.shielded.cancelled_at - s.t0, 2.0);
    assert_int_equal(s.shielded.cleanup_rc, 0); /* the shielded cleanup could sleep */
    assert_true(s.shielded_cleanup_seen);
    assert_time_equal(s.shielded.cleanup_done_at - s.t0, 2.5);
    assert_time_equal(s.shielded_took, 2.5); /* it waited for the cleanup */

    assert_int_equal(s.rc_finished, 4);
    assert_int_equal(s.live_after, s.live_before); /* wait_for frees in every case */
}

/* ---------------------------------------------------------------------------------- */
/* Names, cio_current(), cio_task_done()                                              */
/* ---------------------------------------------------------------------------------- */

struct identity_state {
    cio_task *spawned;            /* what cio_spawn() returned for the child */
    cio_task *seen_by_child;      /* cio_current() inside the child */
    cio_task *main_task;          /* cio_current() in main */
    char      main_name[32];      /* cio_task_name(cio_current()) in main */
    char      child_own_name[32]; /* cio_task_name(cio_current()) in the child */
    char      worker_name[32];    /* cio_task_name(cio_spawn(worker, ...)) */
    char      named_name[32];     /* cio_task_name() of a cio_spawn_named() task */
    int       done_before_run;    /* cio_task_done() before the child ran */
    int       done_after_run;     /* cio_task_done() after it returned */
    int       child_status;       /* cio_await() of the child */
};

static void copy_name(char *dst, const char *src) {
    snprintf(dst, 32, "%s", src ? src : "(null)");
}

static int worker(void *p) {
    struct identity_state *s = p;
    s->seen_by_child = cio_current();
    copy_name(s->child_own_name, cio_task_name(cio_current()));
    return 5;
}

static int quiet(void *p) {
    (void)p;
    return 0;
}

static int identity_main(void *p) {
    struct identity_state *s = p;
    s->main_task = cio_current();
    copy_name(s->main_name, cio_task_name(cio_current()));

    s->spawned = cio_spawn(worker, s);
    copy_name(s->worker_name, cio_task_name(s->spawned));
    s->done_before_run = cio_task_done(s->spawned);
    cio_yield();
    s->done_after_run = cio_task_done(s->spawned);
    s->child_status = cio_await(s->spawned);

    char name[32] = "fetcher-1";
    cio_task *named = cio_spawn_named(quiet, NULL, name);
    strcpy(name, "overwritten"); /* the name was copied */
    copy_name(s->named_name, cio_task_name(named));
    return cio_await(named);
}

static void tasks_know_their_names_and_state(void **state) {
    (void)state;
    struct identity_state s = {0};
    assert_null(cio_current());
    assert_int_equal(run_virtual(identity_main, &s), 0);
    assert_string_equal(s.main_name, "main");
    assert_string_equal(s.worker_name, "worker");
    assert_string_equal(s.child_own_name, "worker");
    assert_string_equal(s.named_name, "fetcher-1");
    assert_non_null(s.main_task);
    assert_ptr_equal(s.seen_by_child, s.spawned);
    assert_ptr_not_equal(s.seen_by_child, s.main_task);
    assert_int_equal(s.done_before_run, 0);
    assert_true(s.done_after_run);
    assert_int_equal(s.child_status, 5);
    assert_null(cio_current());
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spawned_task_first_runs_when_its_creator_suspends),
        cmocka_unit_test(yielding_tasks_take_turns_round_robin),
        cmocka_unit_test(await_returns_the_status_and_frees_the_task),
        cmocka_unit_test(detached_task_runs_and_is_freed_when_done),
        cmocka_unit_test(gather_returns_first_error_in_array_order_and_frees_all),
        cmocka_unit_test(wait_any_returns_lowest_finished_index_and_frees_none),
        cmocka_unit_test(wait_any_times_out_at_the_exact_time_and_cancels_nothing),
        cmocka_unit_test(wait_for_returns_status_or_cancels_waits_and_times_out),
        cmocka_unit_test(tasks_know_their_names_and_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
