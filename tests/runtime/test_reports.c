/*
 * test_reports.c — the teaching reports, captured with cfg.report_to: the deadlock
 * report (like Go's "all goroutines are asleep": who waits for what, created where,
 * held by whom, waiting at which line; then every waiter is cancelled and cleans up and
 * cio_run returns -EDEADLK), the report of tasks still pending when main returns, and
 * the slow-step warning (the task and the line where it last resumed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cio.h"
#include "support.h"

/* The text captured by the last run, kept here so that a failing test does not leak it. */
static char *captured;

/* Run @p fn under @p cfg with reports captured; *report stays valid until the next run. */
static int run_capturing(cio_fn fn, void *arg, cio_config cfg, char **report) {
    size_t len = 0;
    free(captured);
    captured = NULL;
    FILE *f = open_memstream(&captured, &len);
    assert_non_null(f);
    cfg.report_to = f;
    int rc = cio_run(fn, arg, &cfg);
    fclose(f);
    assert_non_null(captured);
    *report = captured;
    return rc;
}

static void expect_in_report(const char *report, const char *needle) {
    if (strstr(report, needle) == NULL) fail_msg("the report does not mention \"%s\":\n%s", needle, report);
}

/* "test_reports.c:LINE": matches whether the runtime prints __FILE__ whole or its base name. */
static void expect_site_in_report(const char *report, int line) {
    char site[64];
    snprintf(site, sizeof site, "test_reports.c:%d", line);
    expect_in_report(report, site);
}

/* The report's line (up to the newline) that names the site test_reports.c:LINE. */
static void report_line_of_site(const char *report, int line, char *out, size_t n) {
    char site[64];
    snprintf(site, sizeof site, "test_reports.c:%d", line);
    const char *at = strstr(report, site);
    if (at == NULL) fail_msg("the report does not mention %s:\n%s", site, report);
    const char *start = at;
    while (start > report && start[-1] != '\n') start--;
    const char *end = strchr(at, '\n');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    if (len >= n) len = n - 1;
    memcpy(out, start, len);
    out[len] = '\0';
}

/* ---------------------------------------------------------------------------------- */
/* Deadlock: two events, each set only by the task waiting for the other              */
/* ---------------------------------------------------------------------------------- */

struct event_deadlock {
    cio_event *left_event;        /* the left task waits for it; the right one would set it */
    cio_event *right_event;       /* the right task waits for it; the left one would set it */
    int left_event_line;          /* where left_event was created */
    int right_event_line;         /* where right_event was created */
    int left_wait_line;           /* where the left task waits */
    int right_wait_line;          /* where the right task waits */
    int left_rc;                  /* what the left task's wait returned */
    int right_rc;                 /* what the right task's wait returned */
    int left_cleaned_up;          /* set by the left task after its wait returned */
    int right_cleaned_up;         /* set by the right task after its wait returned */
};

static int left_waiter(void *p) {
    struct event_deadlock *s = p;
    s->left_wait_line = __LINE__, s->left_rc = cio_event_wait(s->left_event);
    if (s->left_rc == 0) cio_event_set(s->right_event);
    s->left_cleaned_up = 1;
    return s->left_rc;
}

static int right_waiter(void *p) {
    struct event_deadlock *s = p;
    s->right_wait_line = __LINE__, s->right_rc = cio_event_wait(s->right_event);
    if (s->right_rc == 0) cio_event_set(s->left_event);
    s->right_cleaned_up = 1;
    return s->right_rc;
}

static int event_deadlock_main(void *p) {
    struct event_deadlock *s = p;
    s->left_event_line = __LINE__, s->left_event = cio_event_new();
    s->right_event_line = __LINE__, s->right_event = cio_event_new();
    cio_task *ts[2] = {cio_spawn(left_waiter, s), cio_spawn(right_waiter, s)};
    int rc = cio_gather(ts, 2);
    cio_event_free(s->left_event);
    cio_event_free(s->right_event);
    return rc;
}

static void deadlock_on_events_is_reported_and_the_waiters_cancelled(void **state) {
    (void)state;
    struct event_deadlock s = {0};
    char *report;
    int rc = run_capturing(event_deadlock_main, &s, (cio_config){.virtual_clock = 1}, &report);
    assert_int_equal(rc, -EDEADLK);
    expect_in_report(report, "left_waiter");
    expect_in_report(report, "right_waiter");
    expect_in_report(report, "event");
    expect_site_in_report(report, s.left_wait_line);
    expect_site_in_report(report, s.right_wait_line);
    expect_site_in_report(report, s.left_event_line);
    expect_site_in_report(report, s.right_event_line);
    cio_stats st;
    cio_stats_get(&st);
    assert_true(st.deadlocked);
    assert_int_equal(s.left_rc, -ECANCELED);
    assert_int_equal(s.right_rc, -ECANCELED);
    assert_true(s.left_cleaned_up);
    assert_true(s.right_cleaned_up);
    assert_int_equal(st.tasks_live, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Deadlock: two locks taken in opposite orders                                       */
/* ---------------------------------------------------------------------------------- */

struct lock_deadlock {
    cio_lock *first;              /* taken first by the left task, second by the right */
    cio_lock *second;             /* taken first by the right task, second by the left */
    int first_line;               /* where `first` was created */
    int second_line;              /* where `second` was created */
    int left_wait_line;           /* where the left task waits for `second` */
    int right_wait_line;          /* where the right task waits for `first` */
    int left_rc;                  /* what that acquire returned */
    int right_rc;                 /* what that acquire returned */
    int left_released;            /* the left task released `first` in its cleanup */
    int right_released;           /* the right task released `second` in its cleanup */
};

static int left_locker(void *p) {
    struct lock_deadlock *s = p;
    if (cio_lock_acquire(s->first) != 0) return -EIO;
    cio_sleep(1.0); /* let the right task take `second` */
    s->left_wait_line = __LINE__, s->left_rc = cio_lock_acquire(s->second);
    if (s->left_rc == 0) cio_lock_release(s->second);
    cio_lock_release(s->first);
    s->left_released = 1;
    return s->left_rc;
}

static int right_locker(void *p) {
    struct lock_deadlock *s = p;
    if (cio_lock_acquire(s->second) != 0) return -EIO;
    cio_sleep(1.0);
    s->right_wait_line = __LINE__, s->right_rc = cio_lock_acquire(s->first);
    if (s->right_rc == 0) cio_lock_release(s->first);
    cio_lock_release(s->second);
    s->right_released = 1;
    return s->right_rc;
}

static int lock_deadlock_main(void *p) {
    struct lock_deadlock *s = p;
    s->first_line = __LINE__, s->first = cio_lock_new();
    s->second_line = __LINE__, s->second = cio_lock_new();
    cio_task *ts[2] = {cio_spawn(left_locker, s), cio_spawn(right_locker, s)};
    int rc = cio_gather(ts, 2);
    cio_lock_free(s->first);
    cio_lock_free(s->second);
    return rc;
}

static void deadlock_on_locks_names_holders_and_lines(void **state) {
    (void)state;
    struct lock_deadlock s = {0};
    char *report;
    int rc = run_capturing(lock_deadlock_main, &s, (cio_config){.virtual_clock = 1}, &report);
    assert_int_equal(rc, -EDEADLK);
    expect_in_report(report, "lock");
    expect_site_in_report(report, s.first_line);
    expect_site_in_report(report, s.second_line);
    /* each waiter's line of the report names the task holding the lock it waits for */
    char line[1024];
    report_line_of_site(report, s.left_wait_line, line, sizeof line);
    if (strstr(line, "left_locker") == NULL || strstr(line, "right_locker") == NULL)
        fail_msg("the report's line for the left waiter should name it and the holder "
                 "right_locker:\n%s\n(whole report:\n%s)", line, report);
    report_line_of_site(report, s.right_wait_line, line, sizeof line);
    if (strstr(line, "right_locker") == NULL || strstr(line, "left_locker") == NULL)
        fail_msg("the report's line for the right waiter should name it and the holder "
                 "left_locker:\n%s\n(whole report:\n%s)", line, report);
    cio_stats st;
    cio_stats_get(&st);
    assert_true(st.deadlocked);
    assert_int_equal(s.left_rc, -ECANCELED);
    assert_int_equal(s.right_rc, -ECANCELED);
    assert_true(s.left_released);
    assert_true(s.right_released);
}

/* ---------------------------------------------------------------------------------- */
/* Tasks pending when main returns: reported, cancelled, run to completion             */
/* ---------------------------------------------------------------------------------- */

struct straggler {
    int    sleep_rc;              /* what its long sleep returned */
    double cancelled_at;          /* loop time that sleep returned */
    int    cleanup_rc;            /* what its shielded cleanup sleep returned */
    int    finished;              /* set when the body returns */
};

static int straggle(struct straggler *s) {
    s->sleep_rc = cio_sleep(100.0);
    s->cancelled_at = cio_now();
    cio_scope shield;
    cio_scope_open(&shield, INFINITY, 1);
    s->cleanup_rc = cio_sleep(1.0);
    cio_scope_close(&shield);
    s->finished = 1;
    return s->sleep_rc;
}
static int detached_sleeper(void *p) { return straggle(p); }
static int forgotten_sleeper(void *p) { return straggle(p); }

struct pending_state {
    struct straggler detached;    /* spawned and detached */
    struct straggler forgotten;   /* spawned and never awaited nor detached */
    double main_returned_at;      /* loop time main returned */
};

static int pending_main(void *p) {
    struct pending_state *s = p;
    cio_detach(cio_spawn(detached_sleeper, &s->detached));
    cio_spawn(forgotten_sleeper, &s->forgotten);
    cio_sleep(1.0);
    s->main_returned_at = cio_now();
    return 5;
}

static void tasks_pending_at_exit_are_reported_cancelled_and_finished(void **state) {
    (void)state;
    struct pending_state s = {0};
    char *report;
    int rc = run_capturing(pending_main, &s, (cio_config){.virtual_clock = 1}, &report);
    assert_int_equal(rc, 5); /* main's status */
    expect_in_report(report, "detached_sleeper");
    expect_in_report(report, "forgotten_sleeper");
    assert_int_equal(s.detached.sleep_rc, -ECANCELED);
    assert_int_equal(s.forgotten.sleep_rc, -ECANCELED);
    /* cancelled when main returned, not once the loop had reached their deadline */
    assert_time_equal(s.detached.cancelled_at, s.main_returned_at);
    assert_time_equal(s.forgotten.cancelled_at, s.main_returned_at);
    assert_int_equal(s.detached.cleanup_rc, 0);
    assert_int_equal(s.forgotten.cleanup_rc, 0);
    assert_true(s.detached.finished);
    assert_true(s.forgotten.finished);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.tasks_pending_at_exit, 2);
    assert_int_equal(st.tasks_live, 0);
    assert_int_equal(st.deadlocked, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Slow-step warning                                                                  */
/* ---------------------------------------------------------------------------------- */

struct slow_state {
    int resume_line;              /* the line where slowpoke last resumed */
};

static int slowpoke(void *p) {
    struct slow_state *s = p;
    cio_sleep(0.5);
    s->resume_line = __LINE__, cio_sleep(0.5);
    cio_block_for(0.2); /* blocks the loop without suspending */
    return cio_sleep(0.5);
}

static int mildly_slow(void *p) {
    (void)p;
    cio_sleep(0.25);
    cio_block_for(0.03); /* under every threshold used here */
    return 0;
}

static int slow_main(void *p) {
    cio_task *ts[2] = {cio_spawn(slowpoke, p), cio_spawn(mildly_slow, NULL)};
    return cio_gather(ts, 2);
}

static void slow_step_names_the_task_and_where_it_resumed(void **state) {
    (void)state;
    struct slow_state s = {0};
    char *report;
    int rc = run_capturing(slow_main, &s, (cio_config){.virtual_clock = 1, .slow_step = 0.05}, &report);
    assert_int_equal(rc, 0);
    expect_in_report(report, "slowpoke");
    expect_site_in_report(report, s.resume_line);
    if (strstr(report, "mildly_slow") != NULL) fail_msg("a 0.03 s step was reported:\n%s", report);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.slow_steps, 1);
    assert_time_equal(st.longest_step, 0.2);
    assert_string_equal(st.longest_step_task, "slowpoke");
}

static void slow_step_default_threshold_is_a_tenth_of_a_second(void **state) {
    (void)state;
    struct slow_state s = {0};
    char *report;
    int rc = run_capturing(slow_main, &s, (cio_config){.virtual_clock = 1, .slow_step = 0}, &report);
    assert_int_equal(rc, 0);
    expect_in_report(report, "slowpoke"); /* 0.2 s > 0.1 s */
    if (strstr(report, "mildly_slow") != NULL) fail_msg("a 0.03 s step was reported:\n%s", report);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.slow_steps, 1);
}

static void negative_slow_step_turns_the_warning_off(void **state) {
    (void)state;
    struct slow_state s = {0};
    char *report;
    int rc = run_capturing(slow_main, &s, (cio_config){.virtual_clock = 1, .slow_step = -1}, &report);
    assert_int_equal(rc, 0);
    if (strstr(report, "slowpoke") != NULL) fail_msg("warned although slow_step < 0:\n%s", report);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.slow_steps, 0);

    /* the environment overrides the config */
    setenv("CIO_SLOW_STEP", "-1", 1);
    rc = run_capturing(slow_main, &s, (cio_config){.virtual_clock = 1, .slow_step = 0.05}, &report);
    unsetenv("CIO_SLOW_STEP");
    assert_int_equal(rc, 0);
    if (strstr(report, "slowpoke") != NULL) fail_msg("warned although CIO_SLOW_STEP=-1:\n%s", report);
    cio_stats_get(&st);
    assert_int_equal(st.slow_steps, 0);
}

/* ---------------------------------------------------------------------------------- */
/* A blocking loop callback                                                           */
/* ---------------------------------------------------------------------------------- */

/* A callback holds the loop exactly as a task step does, so it is reported too. */
static void blocking_callback(void *arg) {
    (void)arg;
    cio_block_for(0.5);
}

static int schedule_blocking_callback(void *arg) {
    (void)arg;
    cio_call_soon(blocking_callback, NULL);
    return cio_sleep(1.0);
}

static void a_blocking_loop_callback_is_reported_as_a_slow_step(void **state) {
    (void)state;
    char *report = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&report, &len);
    cio_config cfg = {.virtual_clock = 1, .report_to = mem};
    assert_int_equal(cio_run(schedule_blocking_callback, NULL, &cfg), 0);
    fclose(mem);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.slow_steps, 1);
    assert_time_equal(st.longest_step, 0.5);
    assert_string_equal(st.longest_step_task, "(loop callback)");
    assert_non_null(strstr(report, "slow step: a loop callback ran 0.500 s"));
    free(report);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deadlock_on_events_is_reported_and_the_waiters_cancelled),
        cmocka_unit_test(deadlock_on_locks_names_holders_and_lines),
        cmocka_unit_test(tasks_pending_at_exit_are_reported_cancelled_and_finished),
        cmocka_unit_test(slow_step_names_the_task_and_where_it_resumed),
        cmocka_unit_test(slow_step_default_threshold_is_a_tenth_of_a_second),
        cmocka_unit_test(negative_slow_step_turns_the_warning_off),
        cmocka_unit_test(a_blocking_loop_callback_is_reported_as_a_slow_step),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(captured);
    return failed;
}
