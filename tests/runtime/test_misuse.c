/*
 * test_misuse.c — a caller's mistake stops the program with a message containing
 * "misuse" (and, for calls that pass their site, the caller's file:line), never a
 * segfault or silent corruption: awaiting a task twice, awaiting a detached task,
 * suspending outside a task, NULL arguments, closing a scope never opened. Each case
 * runs in a forked child; the parent checks it died of SIGABRT and what it printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cio.h"
#include "support.h"

/* ---------------------------------------------------------------------------------- */
/* Running a case in a child process                                                  */
/* ---------------------------------------------------------------------------------- */

/* The child must have stopped with SIGABRT and a message containing "misuse". */
static void expect_misuse(void (*body)(void)) {
    static struct child_outcome out;
    memset(&out, 0, sizeof out);
    run_in_child(body, &out);
    if (!out.signalled)
        fail_msg("the misuse was not stopped: the child exited with %d; stderr:\n%s", out.exit_code,
                 out.err);
    if (out.signal != SIGABRT)
        fail_msg("the child died of signal %d (%s), expected SIGABRT; stderr:\n%s", out.signal,
                 strsignal(out.signal), out.err);
    if (strstr(out.err, "misuse") == NULL) fail_msg("no \"misuse\" in stderr:\n%s", out.err);
}

/* Like expect_misuse(), and the message names this file and the line of the call. */
static void expect_misuse_at_line(void (*body)(void), int line) {
    static struct child_outcome out;
    memset(&out, 0, sizeof out);
    run_in_child(body, &out);
    if (!out.signalled || out.signal != SIGABRT)
        fail_msg("expected SIGABRT, got %s %d; stderr:\n%s", out.signalled ? "signal" : "exit",
                 out.signalled ? out.signal : out.exit_code, out.err);
    if (strstr(out.err, "misuse") == NULL) fail_msg("no \"misuse\" in stderr:\n%s", out.err);
    char site[64];
    snprintf(site, sizeof site, "test_misuse.c:%d", line);
    if (strstr(out.err, site) == NULL) fail_msg("stderr does not name the call site %s:\n%s", site, out.err);
}

static int sleep_one_second(void *p) {
    (void)p;
    return cio_sleep(1.0);
}

/* ---------------------------------------------------------------------------------- */
/* Awaiting twice, awaiting a detached task                                           */
/* ---------------------------------------------------------------------------------- */

static int await_it(void *p) { return cio_await((cio_task *)p); }

static int two_awaiters_main(void *p) {
    (void)p;
    cio_task *t = cio_spawn(sleep_one_second, NULL);
    cio_task *first = cio_spawn(await_it, t);
    cio_yield(); /* the first awaiter is now waiting for t */
    cio_await(t); /* a second awaiter of the same task */
    return cio_await(first);
}

static void body_await_twice(void) { run_virtual(two_awaiters_main, NULL); }

static void awaiting_a_task_twice_is_misuse(void **state) {
    (void)state;
    expect_misuse(body_await_twice);
}

/* Caught while the freed task's memory is not reused yet: nothing is spawned between. */
enum { AWAIT_AGAIN_LINE = __LINE__ + 5 };
static int await_again_main(void *p) {
    (void)p;
    cio_task *t = cio_spawn(sleep_one_second, NULL);
    cio_await(t); /* frees t */
    return cio_await(t);
}

static void body_await_again(void) { run_virtual(await_again_main, NULL); }

static void awaiting_an_awaited_task_again_is_misuse(void **state) {
    (void)state;
    expect_misuse_at_line(body_await_again, AWAIT_AGAIN_LINE);
}

static int await_self_main(void *p) {
    (void)p;
    return cio_await(cio_current());
}

static void body_await_self(void) { run_virtual(await_self_main, NULL); }

static void awaiting_oneself_is_misuse(void **state) {
    (void)state;
    expect_misuse(body_await_self);
}

enum { AWAIT_DETACHED_LINE = __LINE__ + 2 };
static int await_detached(cio_task *t) {
    return cio_await(t);
}

static int await_detached_main(void *p) {
    (void)p;
    cio_task *t = cio_spawn(sleep_one_second, NULL);
    cio_detach(t);
    return await_detached(t);
}

static void body_await_detached(void) { run_virtual(await_detached_main, NULL); }

static void awaiting_a_detached_task_is_misuse(void **state) {
    (void)state;
    expect_misuse_at_line(body_await_detached, AWAIT_DETACHED_LINE);
}

/* ---------------------------------------------------------------------------------- */
/* Suspending outside a task                                                          */
/* ---------------------------------------------------------------------------------- */

enum { SLEEP_OUTSIDE_LINE = __LINE__ + 2 };
static void body_sleep_outside_task(void) {
    cio_sleep(1.0);
}

static void sleeping_outside_a_task_is_misuse(void **state) {
    (void)state;
    expect_misuse_at_line(body_sleep_outside_task, SLEEP_OUTSIDE_LINE);
}

enum { SLEEP_IN_CALLBACK_LINE = __LINE__ + 3 };
static void sleep_in_callback(void *p) {
    (void)p;
    cio_sleep(1.0);
}

static int schedule_sleeping_callback(void *p) {
    (void)p;
    cio_call_soon(sleep_in_callback, NULL);
    return cio_sleep(1.0);
}

static void body_sleep_in_callback(void) { run_virtual(schedule_sleeping_callback, NULL); }

static void sleeping_in_a_loop_callback_is_misuse(void **state) {
    (void)state;
    expect_misuse_at_line(body_sleep_in_callback, SLEEP_IN_CALLBACK_LINE);
}

/* ---------------------------------------------------------------------------------- */
/* NULL arguments and a scope never opened                                            */
/* ---------------------------------------------------------------------------------- */

static int await_null_main(void *p) {
    (void)p;
    return cio_await(NULL);
}
static void body_await_null(void) { run_virtual(await_null_main, NULL); }

static int cancel_null_main(void *p) {
    (void)p;
    return cio_cancel(NULL);
}
static void body_cancel_null(void) { run_virtual(cancel_null_main, NULL); }

static int event_wait_null_main(void *p) {
    (void)p;
    return cio_event_wait(NULL);
}
static void body_event_wait_null(void) { run_virtual(event_wait_null_main, NULL); }

static int lock_acquire_null_main(void *p) {
    (void)p;
    return cio_lock_acquire(NULL);
}
static void body_lock_acquire_null(void) { run_virtual(lock_acquire_null_main, NULL); }

static int queue_get_null_main(void *p) {
    (void)p;
    void *item;
    return cio_queue_get(NULL, &item);
}
static void body_queue_get_null(void) { run_virtual(queue_get_null_main, NULL); }

static int spawn_null_main(void *p) {
    (void)p;
    cio_fn nothing = NULL;
    cio_task *t = cio_spawn(nothing, NULL);
    return t ? cio_await(t) : -ENOMEM;
}
static void body_spawn_null(void) { run_virtual(spawn_null_main, NULL); }

static int gather_null_main(void *p) {
    (void)p;
    return cio_gather(NULL, 2);
}
static void body_gather_null(void) { run_virtual(gather_null_main, NULL); }

static int close_unopened_scope_main(void *p) {
    (void)p;
    cio_scope never_opened;
    memset(&never_opened, 0, sizeof never_opened);
    return cio_scope_close(&never_opened);
}
static void body_close_unopened_scope(void) { run_virtual(close_unopened_scope_main, NULL); }

static void null_task_arguments_are_misuse(void **state) {
    (void)state;
    expect_misuse(body_await_null);
    expect_misuse(body_cancel_null);
    expect_misuse(body_spawn_null);
    expect_misuse(body_gather_null);
}

static void null_object_arguments_are_misuse(void **state) {
    (void)state;
    expect_misuse(body_event_wait_null);
    expect_misuse(body_lock_acquire_null);
    expect_misuse(body_queue_get_null);
}

static void closing_a_scope_never_opened_is_misuse(void **state) {
    (void)state;
    expect_misuse(body_close_unopened_scope);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(awaiting_a_task_twice_is_misuse),
        cmocka_unit_test(awaiting_an_awaited_task_again_is_misuse),
        cmocka_unit_test(awaiting_oneself_is_misuse),
        cmocka_unit_test(awaiting_a_detached_task_is_misuse),
        cmocka_unit_test(sleeping_outside_a_task_is_misuse),
        cmocka_unit_test(sleeping_in_a_loop_callback_is_misuse),
        cmocka_unit_test(null_task_arguments_are_misuse),
        cmocka_unit_test(null_object_arguments_are_misuse),
        cmocka_unit_test(closing_a_scope_never_opened_is_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
