/*
 * test_executor.c — cio_to_thread() (asyncio's to_thread / run_in_executor): the job's
 * status comes back, the job runs on another thread while other tasks keep running,
 * a cancelled caller returns at once while the job finishes in the background, cio_run
 * waits for jobs still running, and under the virtual clock job time is exact. This
 * file also runs under ThreadSanitizer: everything the test's threads share is atomic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cio.h"
#include "support.h"

static void real_sleep(double seconds) {
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static double real_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A job waiting for something the loop does gives up after this long, so that a broken
   runtime fails the test instead of hanging it. */
enum { GIVE_UP_SECONDS = 10 };

/* ---------------------------------------------------------------------------------- */
/* Status and thread                                                                  */
/* ---------------------------------------------------------------------------------- */

struct whoami {
    _Atomic(pthread_t) job_thread;  /* pthread_self() inside the job */
    _Atomic(pthread_t) loop_thread; /* pthread_self() in the task */
    int                status;      /* what the job returns */
    int                rc;          /* what cio_to_thread() returned */
    int                rc_negative; /* cio_to_thread() of a job returning -EIO */
};

static int report_thread(void *p) {
    struct whoami *w = p;
    atomic_store(&w->job_thread, pthread_self());
    return w->status;
}

static int fail_with_eio(void *p) {
    (void)p;
    return -EIO;
}

static int whoami_main(void *p) {
    struct whoami *w = p;
    atomic_store(&w->loop_thread, pthread_self());
    w->rc = cio_to_thread(report_thread, w);
    w->rc_negative = cio_to_thread(fail_with_eio, NULL);
    return 0;
}

static void to_thread_returns_the_jobs_status_from_another_thread(void **state) {
    (void)state;
    struct whoami w = {.status = 42};
    assert_int_equal(run_virtual(whoami_main, &w), 0);
    assert_int_equal(w.rc, 42);
    assert_int_equal(w.rc_negative, -EIO);
    assert_false(pthread_equal(atomic_load(&w.job_thread), atomic_load(&w.loop_thread)));
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.executor_jobs, 2);
}

/* ---------------------------------------------------------------------------------- */
/* Other tasks keep running while a job runs                                          */
/* ---------------------------------------------------------------------------------- */

struct overlap {
    atomic_int beats;             /* heartbeat ticks, counted by the loop thread */
    atomic_int beats_seen_by_job; /* beats when the job stopped waiting */
    int        stop;              /* loop thread only: the heartbeat returns */
    int        rc;                /* what cio_to_thread() returned */
};

/* Waits (really) until the loop has ticked three times while this job runs. */
static int wait_for_three_beats(void *p) {
    struct overlap *o = p;
    double start = real_seconds();
    while (atomic_load(&o->beats) < 3 && real_seconds() - start < GIVE_UP_SECONDS) real_sleep(0.001);
    atomic_store(&o->beats_seen_by_job, atomic_load(&o->beats));
    return atomic_load(&o->beats) >= 3 ? 0 : -ETIMEDOUT;
}

static int ticking(void *p) {
    struct overlap *o = p;
    while (!o->stop) {
        if (cio_sleep(0.01) != 0) return -ECANCELED;
        atomic_fetch_add(&o->beats, 1);
    }
    return 0;
}

static int overlap_main(void *p) {
    struct overlap *o = p;
    cio_task *hb = cio_spawn(ticking, o);
    o->rc = cio_to_thread(wait_for_three_beats, o);
    o->stop = 1;
    return cio_await(hb);
}

static void other_tasks_keep_running_while_a_job_runs(void **state) {
    (void)state;
    static struct overlap o;
    atomic_store(&o.beats, 0);
    atomic_store(&o.beats_seen_by_job, 0);
    o.stop = 0;
    assert_int_equal(cio_run(overlap_main, &o, NULL), 0); /* real clock: the job waits really */
    assert_int_equal(o.rc, 0);
    assert_true(atomic_load(&o.beats_seen_by_job) >= 3);
}

struct virtual_overlap {
    double t0;                    /* loop time when main started */
    double ticks[32];             /* heartbeat tick times, relative to t0 */
    int    nticks;                /* ticks so far */
    int    ticks_when_done;       /* nticks when cio_to_thread() returned */
    double done_at;               /* loop time it returned, relative to t0 */
    int    stop;                  /* main tells the heartbeat to return */
    int    rc;                    /* what cio_to_thread() returned */
};

static int block_one_second(void *p) {
    (void)p;
    cio_block_for(1.0);
    return 0;
}

static int virtual_ticking(void *p) {
    struct virtual_overlap *v = p;
    while (!v->stop) {
        if (cio_sleep(0.1) != 0) return -ECANCELED;
        if (v->nticks < 32) v->ticks[v->nticks] = cio_now() - v->t0;
        v->nticks++;
    }
    return 0;
}

static int virtual_overlap_main(void *p) {
    struct virtual_overlap *v = p;
    v->t0 = cio_now();
    cio_task *hb = cio_spawn(virtual_ticking, v);
    v->rc = cio_to_thread(block_one_second, NULL);
    v->done_at = cio_now() - v->t0;
    v->ticks_when_done = v->nticks;
    v->stop = 1;
    return cio_await(hb);
}

static void heartbeat_ticks_on_time_while_a_job_blocks_under_the_virtual_clock(void **state) {
    (void)state;
    struct virtual_overlap v = {0};
    assert_int_equal(run_virtual(virtual_overlap_main, &v), 0);
    assert_int_equal(v.rc, 0);
    assert_time_equal(v.done_at, 1.0);
    /* ticks 0.1 .. 0.9 came on time before the result; the one at 1.0 may come either side */
    assert_true(v.ticks_when_done == 9 || v.ticks_when_done == 10);
    for (int i = 0; i < 9; i++) assert_time_equal(v.ticks[i], 0.1 * (i + 1));
}

/* ---------------------------------------------------------------------------------- */
/* Cancellation: the caller returns at once, the job finishes in the background       */
/* ---------------------------------------------------------------------------------- */

struct background {
    atomic_int started;           /* the job began */
    atomic_int release;           /* the loop lets the job go on */
    atomic_int finished;          /* the job returned */
    int        rc;                /* cio_to_thread() in the cancelled task */
    int        finished_when_returned; /* finished when that call returned */
    int        status;            /* cio_await() of the cancelled task */
    int        pending_exit_rc;   /* cio_to_thread() in a task pending when main returns */
};

/* Runs until released, then a little longer, so that not waiting for it shows. */
static int slow_background_job(void *p) {
    struct background *b = p;
    atomic_store(&b->started, 1);
    double start = real_seconds();
    while (!atomic_load(&b->release) && real_seconds() - start < GIVE_UP_SECONDS) real_sleep(0.001);
    real_sleep(0.2);
    atomic_store(&b->finished, 1);
    return 7;
}

static int cancelled_caller(void *p) {
    struct background *b = p;
    b->rc = cio_to_thread(slow_background_job, b);
    b->finished_when_returned = atomic_load(&b->finished);
    return b->rc;
}

static int cancel_job_main(void *p) {
    struct background *b = p;
    cio_task *t = cio_spawn(cancelled_caller, b);
    cio_yield(); /* the caller submits its job and waits */
    cio_cancel(t);
    b->status = cio_await(t);
    atomic_store(&b->release, 1);
    return 0; /* the job is still running: cio_run must wait for it */
}

static void cancelled_caller_returns_at_once_and_the_job_finishes_in_background(void **state) {
    (void)state;
    static struct background b;
    atomic_store(&b.started, 0);
    atomic_store(&b.release, 0);
    atomic_store(&b.finished, 0);
    assert_int_equal(run_virtual(cancel_job_main, &b), 0);
    assert_int_equal(b.rc, -ECANCELED); /* the job's 7 was dropped */
    assert_int_equal(b.status, -ECANCELED);
    assert_int_equal(b.finished_when_returned, 0); /* it did not wait for the job */
    assert_int_equal(atomic_load(&b.started), 1);
    assert_int_equal(atomic_load(&b.finished), 1); /* cio_run waited for it */
}

/* Runs for 0.3 s of real time, far longer than main takes to return. */
static int lingering_job(void *p) {
    struct background *b = p;
    atomic_store(&b->started, 1);
    real_sleep(0.3);
    atomic_store(&b->finished, 1);
    return 7;
}

static int job_caller(void *p) {
    struct background *b = p;
    b->pending_exit_rc = cio_to_thread(lingering_job, b);
    return b->pending_exit_rc;
}

static int leave_job_running_main(void *p) {
    struct background *b = p;
    cio_detach(cio_spawn(job_caller, b));
    cio_yield(); /* the job is submitted */
    return 0;
}

static void run_waits_for_jobs_still_running_at_exit(void **state) {
    (void)state;
    static struct background b;
    atomic_store(&b.started, 0);
    atomic_store(&b.release, 0);
    atomic_store(&b.finished, 0);
    b.pending_exit_rc = 1;
    cio_config cfg = {.virtual_clock = 1};
    assert_int_equal(cio_run(leave_job_running_main, &b, &cfg), 0);
    assert_int_equal(atomic_load(&b.finished), 1);
    if (b.pending_exit_rc != -ECANCELED) /* the pending task is cancelled when main returns */
        fail_msg("cio_to_thread() in a task pending when main returned gave %d, expected -ECANCELED "
                 "at once (the job's result is dropped)", b.pending_exit_rc);
}

/* ---------------------------------------------------------------------------------- */
/* Exact job time under the virtual clock                                             */
/* ---------------------------------------------------------------------------------- */

static int block_two_seconds(void *p) {
    (void)p;
    cio_block_for(2.0);
    return 5;
}

struct timed {
    double t0;                    /* loop time when main started */
    int    rc;                    /* what cio_to_thread() returned */
    double elapsed;               /* loop time it took */
};

static int timed_main(void *p) {
    struct timed *t = p;
    t->t0 = cio_now();
    t->rc = cio_to_thread(block_two_seconds, NULL);
    t->elapsed = cio_now() - t->t0;
    return 0;
}

static void job_blocking_two_seconds_is_delivered_two_seconds_later(void **state) {
    (void)state;
    struct timed t = {0};
    assert_int_equal(run_virtual(timed_main, &t), 0);
    assert_int_equal(t.rc, 5);
    assert_time_equal(t.elapsed, 2.0);
}

struct pool_state {
    double t0;                    /* loop time when main started */
    double done_at[4];            /* when each caller's job result arrived, relative to t0 */
    int    rc[4];                 /* what each cio_to_thread() returned */
    double elapsed;               /* loop time the gather took */
};

struct pool_caller {
    struct pool_state *s;         /* shared results */
    int                i;         /* which caller */
};

static int pool_caller_body(void *p) {
    struct pool_caller *c = p;
    c->s->rc[c->i] = cio_to_thread(block_one_second, NULL);
    c->s->done_at[c->i] = cio_now() - c->s->t0;
    return c->s->rc[c->i];
}

static int pool_main(void *p) {
    struct pool_state *s = p;
    s->t0 = cio_now();
    struct pool_caller callers[4];
    cio_task *ts[4];
    for (int i = 0; i < 4; i++) {
        callers[i] = (struct pool_caller){s, i};
        ts[i] = cio_spawn(pool_caller_body, &callers[i]);
    }
    int rc = cio_gather(ts, 4);
    s->elapsed = cio_now() - s->t0;
    return rc;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void two_threads_run_four_one_second_jobs_in_two_seconds(void **state) {
    (void)state;
    struct pool_state s = {0};
    cio_config cfg = {.virtual_clock = 1, .executor_threads = 2};
    assert_int_equal(cio_run(pool_main, &s, &cfg), 0);
    assert_time_equal(s.elapsed, 2.0);
    double sorted[4];
    memcpy(sorted, s.done_at, sizeof sorted);
    qsort(sorted, 4, sizeof sorted[0], compare_doubles);
    const double want[4] = {1.0, 1.0, 2.0, 2.0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s.rc[i], 0);
        assert_time_equal(sorted[i], want[i]);
    }
}

/* ---------------------------------------------------------------------------------- */
/* No deadlock is declared while a job runs                                           */
/* ---------------------------------------------------------------------------------- */

static int really_sleep_then_three(void *p) {
    (void)p;
    real_sleep(0.1); /* real time, not cio_block_for: the loop sees only a running job */
    return 3;
}

static int job_awaiter(void *p) {
    int *rc = p;
    *rc = cio_to_thread(really_sleep_then_three, NULL);
    return 0;
}

static int no_deadlock_main(void *p) {
    int *rc = p;
    return cio_await(cio_spawn(job_awaiter, rc)); /* every task waits; only the job can finish */
}

static void no_deadlock_is_declared_while_a_job_runs(void **state) {
    (void)state;
    int rc = 0;
    assert_int_equal(run_virtual(no_deadlock_main, &rc), 0);
    assert_int_equal(rc, 3);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.deadlocked, 0);
}

/* ---------------------------------------------------------------------------------- */
/* A job's virtual time while real I/O is pending too                                 */
/* ---------------------------------------------------------------------------------- */

/* With a reader parked on a pipe nobody writes, the loop polls for real I/O; a job that
 * blocks 0.2 s must still be delivered at exactly 0.2 s, not at the next timer (5 s). */
struct io_and_job {
    int    fds[2];       /* a pipe nobody writes */
    double job_done_at;  /* loop time cio_to_thread returned */
    int    job_rc;       /* what it returned */
};

static int block_fifth(void *p) {
    (void)p;
    cio_block_for(0.2);
    return 3;
}

static int idle_reader(void *p) {
    struct io_and_job *s = p;
    char c;
    return (int)cio_read(s->fds[0], &c, 1); /* cancelled at the end */
}

static int job_caller_timed(void *p) {
    struct io_and_job *s = p;
    s->job_rc = cio_to_thread(block_fifth, NULL);
    s->job_done_at = cio_now();
    return 0;
}

static int io_and_job_main(void *p) {
    struct io_and_job *s = p;
    if (pipe(s->fds) != 0) return -errno;
    cio_task *r = cio_spawn(idle_reader, s);
    cio_task *j = cio_spawn(job_caller_timed, s);
    cio_sleep(5.0);
    cio_cancel(r);
    cio_await(r);
    int rc = cio_await(j);
    close(s->fds[0]);
    close(s->fds[1]);
    return rc;
}

static void job_time_is_exact_while_io_is_pending(void **state) {
    (void)state;
    struct io_and_job s = {0};
    assert_int_equal(run_virtual(io_and_job_main, &s), 0);
    assert_int_equal(s.job_rc, 3);
    assert_time_equal(s.job_done_at, 0.2);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(to_thread_returns_the_jobs_status_from_another_thread),
        cmocka_unit_test(other_tasks_keep_running_while_a_job_runs),
        cmocka_unit_test(heartbeat_ticks_on_time_while_a_job_blocks_under_the_virtual_clock),
        cmocka_unit_test(cancelled_caller_returns_at_once_and_the_job_finishes_in_background),
        cmocka_unit_test(run_waits_for_jobs_still_running_at_exit),
        cmocka_unit_test(job_blocking_two_seconds_is_delivered_two_seconds_later),
        cmocka_unit_test(two_threads_run_four_one_second_jobs_in_two_seconds),
        cmocka_unit_test(no_deadlock_is_declared_while_a_job_runs),
        cmocka_unit_test(job_time_is_exact_while_io_is_pending),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
