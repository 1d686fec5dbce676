/*
 * test_loop.c — the event loop itself: loop callbacks (call_soon, call_later, call_at
 * and their cancellable handles), fd readers and writers, cio_now(), and cio_run()'s
 * results and reset. These are asyncio's loop-level promises (callbacks run FIFO,
 * timers run in time order at their exact time); timing runs under the virtual clock
 * so every time compares with equality.
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
#include <time.h>
#include <unistd.h>

#include "cio.h"
#include "support.h"

/* ---------------------------------------------------------------------------------- */
/* call_soon: FIFO, outside any task                                                  */
/* ---------------------------------------------------------------------------------- */

enum { MAX_CALLS = 16 };

struct call_log {
    int       order[MAX_CALLS];   /* ids of callbacks in the order they ran */
    double    when[MAX_CALLS];    /* cio_now() seen by each callback, same order */
    int       count;              /* callbacks run so far */
    int       ran_in_task;        /* set if a callback saw a current task */
    double    t0;                 /* loop time when main started */
};

struct call_arg {
    struct call_log *log;         /* shared log the callback appends to */
    int              id;          /* what the callback appends */
    int              chain_id;    /* if nonzero, the callback schedules call_soon(chain) */
    struct call_arg *chain;       /* the callback to chain (runs after those queued) */
};

static void record_call(void *p) {
    struct call_arg *a = p;
    if (cio_current() != NULL) a->log->ran_in_task = 1;
    if (a->log->count < MAX_CALLS) {
        a->log->order[a->log->count] = a->id;
        a->log->when[a->log->count] = cio_now();
    }
    a->log->count++;
    if (a->chain_id) cio_call_soon(record_call, a->chain);
}

struct soon_state {
    struct call_log log;          /* what the callbacks did */
    struct call_arg args[5];      /* one per callback; args[4] is chained by args[0] */
    int             count_before_suspend; /* callbacks run before main suspended */
};

static int call_soon_main(void *p) {
    struct soon_state *s = p;
    for (int i = 0; i < 5; i++) s->args[i] = (struct call_arg){.log = &s->log, .id = i + 1};
    s->args[0].chain_id = 5;
    s->args[0].chain = &s->args[4];
    for (int i = 0; i < 4; i++) cio_call_soon(record_call, &s->args[i]);
    s->count_before_suspend = s->log.count;
    cio_sleep(1.0);
    return 0;
}

static void call_soon_runs_callbacks_in_fifo_order(void **state) {
    (void)state;
    struct soon_state s = {0};
    assert_int_equal(run_virtual(call_soon_main, &s), 0);
    assert_int_equal(s.count_before_suspend, 0); /* callbacks never run inside the caller */
    assert_int_equal(s.log.count, 5);
    /* 1..4 in the order queued; 5 was queued by 1 while it ran, so it comes after 4 */
    int want[5] = {1, 2, 3, 4, 5};
    for (int i = 0; i < 5; i++) assert_int_equal(s.log.order[i], want[i]);
    assert_int_equal(s.log.ran_in_task, 0); /* callbacks run outside any task */
}

/* ---------------------------------------------------------------------------------- */
/* call_later / call_at: time order, exact virtual times                              */
/* ---------------------------------------------------------------------------------- */

struct later_state {
    struct call_log log;          /* what the callbacks did */
    struct call_arg args[4];      /* ids 1..4 */
};

static int call_later_main(void *p) {
    struct later_state *s = p;
    s->log.t0 = cio_now();
    for (int i = 0; i < 4; i++) s->args[i] = (struct call_arg){.log = &s->log, .id = i + 1};
    /* scheduled out of time order on purpose */
    cio_call_later(3.0, record_call, &s->args[2]);             /* id 3 at t0+3 */
    cio_call_later(1.0, record_call, &s->args[0]);             /* id 1 at t0+1 */
    cio_call_at(s->log.t0 + 2.5, record_call, &s->args[1]);    /* id 2 at t0+2.5 */
    cio_call_later(0.25, record_call, &s->args[3]);            /* id 4 at t0+0.25 */
    cio_sleep(5.0);
    return 0;
}

static void call_later_and_call_at_run_in_time_order_at_exact_times(void **state) {
    (void)state;
    struct later_state s = {0};
    assert_int_equal(run_virtual(call_later_main, &s), 0);
    assert_int_equal(s.log.count, 4);
    int    want_id[4]   = {4, 1, 2, 3};
    double want_time[4] = {0.25, 1.0, 2.5, 3.0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s.log.order[i], want_id[i]);
        assert_time_equal(s.log.when[i] - s.log.t0, want_time[i]);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Handles: cancel once, then -EALREADY; a stale handle never cancels a newer callback */
/* ---------------------------------------------------------------------------------- */

struct cancel_state {
    struct call_log log;          /* what the callbacks did */
    struct call_arg later_arg;    /* id 1: cancelled before its time */
    struct call_arg soon_arg;     /* id 2: cancelled before it ran */
    struct call_arg ran_arg;      /* id 3: runs, then its handle is cancelled */
    struct call_arg fresh_arg;    /* id 4: scheduled after 3 ran; must survive cancel(h3) */
    int rc_first_cancel;          /* cio_handle_cancel(h1), first time */
    int rc_second_cancel;         /* cio_handle_cancel(h1), second time */
    int rc_soon_cancel;           /* cio_handle_cancel(h2) before it ran */
    int rc_after_run;             /* cio_handle_cancel(h3) after it ran */
    int rc_stale_again;           /* cio_handle_cancel(h3) once more, with h4 pending */
    int handles_nonzero;          /* every handle had a nonzero id */
    int count_after_ran;          /* callbacks run when h3 was cancelled */
};

static int handle_cancel_main(void *p) {
    struct cancel_state *s = p;
    s->later_arg = (struct call_arg){.log = &s->log, .id = 1};
    s->soon_arg  = (struct call_arg){.log = &s->log, .id = 2};
    s->ran_arg   = (struct call_arg){.log = &s->log, .id = 3};
    s->fresh_arg = (struct call_arg){.log = &s->log, .id = 4};

    cio_handle h1 = cio_call_later(1.0, record_call, &s->later_arg);
    cio_handle h2 = cio_call_soon(record_call, &s->soon_arg);
    s->rc_first_cancel  = cio_handle_cancel(h1);
    s->rc_second_cancel = cio_handle_cancel(h1);
    s->rc_soon_cancel   = cio_handle_cancel(h2);

    cio_handle h3 = cio_call_soon(record_call, &s->ran_arg);
    cio_sleep(2.0); /* h1's time passes; h3 runs */
    s->count_after_ran = s->log.count;
    s->rc_after_run = cio_handle_cancel(h3);

    cio_handle h4 = cio_call_soon(record_call, &s->fresh_arg); /* may reuse h3's slot */
    s->rc_stale_again = cio_handle_cancel(h3);
    cio_sleep(1.0);
    s->handles_nonzero = h1.id != 0 && h2.id != 0 && h3.id != 0 && h4.id != 0;
    return 0;
}

static void handle_cancel_returns_zero_then_ealready(void **state) {
    (void)state;
    struct cancel_state s = {0};
    assert_int_equal(run_virtual(handle_cancel_main, &s), 0);
    assert_true(s.handles_nonzero);
    assert_int_equal(s.rc_first_cancel, 0);
    assert_int_equal(s.rc_second_cancel, -EALREADY);
    assert_int_equal(s.rc_soon_cancel, 0);
    assert_int_equal(s.count_after_ran, 1); /* only id 3 ran: 1 and 2 were cancelled */
    assert_int_equal(s.rc_after_run, -EALREADY);
    assert_int_equal(s.rc_stale_again, -EALREADY);
    assert_int_equal(s.log.count, 2);       /* id 4 ran although the stale h3 was cancelled */
    assert_int_equal(s.log.order[0], 3);
    assert_int_equal(s.log.order[1], 4);
}

/* ---------------------------------------------------------------------------------- */
/* add_reader / remove_reader on a pipe, add_writer / remove_writer                    */
/* ---------------------------------------------------------------------------------- */

struct reader_state {
    int  fds[2];                  /* the pipe: [0] read end watched, [1] write end */
    char got[16];                 /* bytes the reader callback read, in order */
    int  got_len;                 /* how many */
    int  calls;                   /* times the reader callback ran */
    int  in_task;                 /* set if the callback saw a current task */
    int  rc_add;                  /* cio_add_reader() */
    int  rc_add_again;            /* second cio_add_reader() on the same fd */
    int  calls_before_suspend;    /* callback runs before main first suspended */
    int  calls_after_first;       /* callback runs after the first byte was written */
    int  rc_remove;               /* cio_remove_reader() */
    int  rc_remove_again;         /* second cio_remove_reader() */
    int  calls_after_remove;      /* callback runs after removal and another write */
    int  writer_calls;            /* times the writer callback ran */
    int  rc_add_writer;           /* cio_add_writer() */
    int  rc_remove_writer_in_cb;  /* cio_remove_writer() from inside its callback */
    int  rc_remove_writer_again;  /* cio_remove_writer() after that */
};

static void on_readable(void *p) {
    struct reader_state *s = p;
    if (cio_current() != NULL) s->in_task = 1;
    s->calls++;
    char buf[16];
    ssize_t n = read(s->fds[0], buf, sizeof buf);
    for (ssize_t i = 0; i < n && s->got_len < (int)sizeof s->got; i++) s->got[s->got_len++] = buf[i];
}

static void on_writable(void *p) {
    struct reader_state *s = p;
    s->writer_calls++;
    s->rc_remove_writer_in_cb = cio_remove_writer(s->fds[1]);
}

static int reader_main(void *p) {
    struct reader_state *s = p;
    s->rc_add = cio_add_reader(s->fds[0], on_readable, s);
    s->rc_add_again = cio_add_reader(s->fds[0], on_readable, s);
    if (write(s->fds[1], "a", 1) != 1) return -EIO;
    s->calls_before_suspend = s->calls;
    cio_sleep(0.5);
    s->calls_after_first = s->calls;
    if (write(s->fds[1], "b", 1) != 1) return -EIO;
    cio_sleep(0.5);
    s->rc_remove = cio_remove_reader(s->fds[0]);
    s->rc_remove_again = cio_remove_reader(s->fds[0]);
    if (write(s->fds[1], "c", 1) != 1) return -EIO;
    cio_sleep(0.5);
    s->calls_after_remove = s->calls;

    s->rc_add_writer = cio_add_writer(s->fds[1], on_writable, s); /* an empty pipe is writable */
    cio_sleep(0.5);
    s->rc_remove_writer_again = cio_remove_writer(s->fds[1]);
    return 0;
}

static void add_reader_calls_back_until_removed(void **state) {
    (void)state;
    struct reader_state s = {0};
    assert_int_equal(pipe(s.fds), 0);
    assert_int_equal(run_virtual(reader_main, &s), 0);
    assert_int_equal(s.rc_add, 0);
    assert_int_equal(s.rc_add_again, -EEXIST);
    assert_int_equal(s.calls_before_suspend, 0);
    assert_int_equal(s.calls_after_first, 1);
    assert_int_equal(s.rc_remove, 0);
    assert_int_equal(s.rc_remove_again, -ENOENT);
    assert_int_equal(s.got_len, 2);
    assert_memory_equal(s.got, "ab", 2);       /* "c" was written after removal */
    assert_int_equal(s.calls_after_remove, 2);
    assert_int_equal(s.in_task, 0);
    assert_int_equal(s.rc_add_writer, 0);
    assert_int_equal(s.writer_calls, 1);
    assert_int_equal(s.rc_remove_writer_in_cb, 0);
    assert_int_equal(s.rc_remove_writer_again, -ENOENT);
    char c;
    assert_int_equal(read(s.fds[0], &c, 1), 1); /* "c" is still in the pipe */
    assert_int_equal(c, 'c');
    close(s.fds[0]);
    close(s.fds[1]);
}

/* ---------------------------------------------------------------------------------- */
/* cio_now(): constant within a step (real clock, so that it could change)            */
/* ---------------------------------------------------------------------------------- */

struct now_state {
    double before_work;           /* cio_now() at the start of the step */
    double after_work;            /* cio_now() after 20 ms of real busy work, same step */
    double after_sleep;           /* cio_now() after cio_sleep(0.01) */
    double real_busy;             /* real seconds the busy work took */
};

static double real_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int now_main(void *p) {
    struct now_state *s = p;
    s->before_work = cio_now();
    double start = real_seconds();
    while (real_seconds() - start < 0.02) { /* real time passes, the task does not suspend */
    }
    s->real_busy = real_seconds() - start;
    s->after_work = cio_now();
    cio_sleep(0.01);
    s->after_sleep = cio_now();
    return 0;
}

static void now_is_constant_within_a_step(void **state) {
    (void)state;
    struct now_state s = {0};
    assert_int_equal(cio_run(now_main, &s, NULL), 0); /* real clock */
    assert_true(s.real_busy >= 0.02);
    assert_true(s.before_work == s.after_work);
    assert_true(s.after_sleep - s.before_work >= 0.01 - 1e-6);
}

/* ---------------------------------------------------------------------------------- */
/* cio_run(): main's status, -EINVAL, nested runs, two runs in a row                  */
/* ---------------------------------------------------------------------------------- */

static int return_arg_main(void *p) {
    cio_yield();
    return *(int *)p;
}

static void run_returns_mains_status(void **state) {
    (void)state;
    int status = 42;
    assert_int_equal(run_virtual(return_arg_main, &status), 42);
    status = -EIO;
    assert_int_equal(run_virtual(return_arg_main, &status), -EIO);
    status = 0;
    assert_int_equal(cio_run(return_arg_main, &status, NULL), 0);
}

static int never_runs(void *p) {
    *(int *)p = 1;
    return 0;
}

struct nested_state {
    int rc_nested;                /* cio_run() called from inside a task */
    int inner_ran;                /* set if the nested main ran */
    int current_was_main;         /* the running task is main, named "main" */
};

static int nested_main(void *p) {
    struct nested_state *s = p;
    s->rc_nested = cio_run(never_runs, &s->inner_ran, NULL);
    s->current_was_main = cio_current() != NULL && strcmp(cio_task_name(cio_current()), "main") == 0;
    return 7;
}

static void run_rejects_null_main_and_nested_runs(void **state) {
    (void)state;
    assert_int_equal(cio_run(NULL, NULL, NULL), -EINVAL);
    cio_config cfg = {.virtual_clock = 1};
    assert_int_equal(cio_run(NULL, NULL, &cfg), -EINVAL);
    struct nested_state s = {0};
    assert_int_equal(run_virtual(nested_main, &s), 7); /* the outer run is unharmed */
    assert_int_equal(s.rc_nested, -EINVAL);
    assert_int_equal(s.inner_ran, 0);
    assert_true(s.current_was_main);
    assert_null(cio_current()); /* outside cio_run */
}

struct busy_state {
    double t0;                    /* loop time when main started */
    double elapsed;               /* loop time main took */
    int    finished;              /* children that ran to the end */
    int    callbacks;             /* loop callbacks that ran */
};

static int sleepy_child(void *p) {
    struct busy_state *s = p;
    cio_sleep(1.0);
    s->finished++;
    return 0;
}

static void count_callback(void *p) { ((struct busy_state *)p)->callbacks++; }

static int busy_main(void *p) {
    struct busy_state *s = p;
    s->t0 = cio_now();
    cio_task *ts[3];
    for (int i = 0; i < 3; i++) ts[i] = cio_spawn(sleepy_child, s);
    cio_call_later(0.5, count_callback, s);
    cio_call_later(5.0, count_callback, s); /* still pending when main returns */
    int rc = cio_gather(ts, 3);
    s->elapsed = cio_now() - s->t0;
    return rc;
}

static void run_twice_in_a_row_starts_from_a_clean_state(void **state) {
    (void)state;
    struct busy_state first = {0}, second = {0};
    cio_stats st1, st2;
    assert_int_equal(run_virtual(busy_main, &first), 0);
    cio_stats_get(&st1);
    assert_int_equal(run_virtual(busy_main, &second), 0);
    cio_stats_get(&st2);

    assert_int_equal(first.finished, 3);
    assert_int_equal(second.finished, 3);
    assert_time_equal(first.elapsed, 1.0);
    assert_time_equal(second.elapsed, 1.0);
    /* the callback due at t0+5 belonged to the first run: it must not fire in the second */
    assert_true(first.callbacks >= 1);
    assert_int_equal(second.callbacks, first.callbacks);
    /* counters are per run, not cumulative */
    assert_int_equal(st1.tasks_spawned, 4);
    assert_int_equal(st2.tasks_spawned, 4);
    assert_int_equal(st1.switches, st2.switches);
    assert_int_equal(st1.tasks_live, 0);
    assert_int_equal(st2.tasks_live, 0);
    assert_int_equal(st2.deadlocked, 0);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(call_soon_runs_callbacks_in_fifo_order),
        cmocka_unit_test(call_later_and_call_at_run_in_time_order_at_exact_times),
        cmocka_unit_test(handle_cancel_returns_zero_then_ealready),
        cmocka_unit_test(add_reader_calls_back_until_removed),
        cmocka_unit_test(now_is_constant_within_a_step),
        cmocka_unit_test(run_returns_mains_status),
        cmocka_unit_test(run_rejects_null_main_and_nested_runs),
        cmocka_unit_test(run_twice_in_a_row_starts_from_a_clean_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
