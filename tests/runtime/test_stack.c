/*
 * test_stack.c — coroutine stacks: a task that overflows its stack is stopped with a
 * message naming the task and "stack overflow", never silent corruption (checked in a
 * forked child); and 100,000 live tasks, each sleeping under the virtual clock, all
 * complete — far beyond the 65,530 mappings a guard page per stack would allow.
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
/* Stack overflow                                                                     */
/* ---------------------------------------------------------------------------------- */

/* Deep recursion the compiler cannot turn into a loop: each frame keeps 512 bytes. */
static int __attribute__((noinline)) dig(int depth) {
    volatile char frame[512];
    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)(depth >> 8);
    if (depth > 100000000) return frame[0];
    return dig(depth + 1) + frame[depth % (int)sizeof frame];
}

static int stack_hog(void *p) {
    (void)p;
    cio_yield();
    return dig(0);
}

static int overflow_main(void *p) {
    (void)p;
    return cio_await(cio_spawn(stack_hog, NULL));
}

static void overflow_in_child(void) {
    cio_config cfg = {.virtual_clock = 1};
    int rc = cio_run(overflow_main, NULL, &cfg);
    _exit(rc == 0 ? 0 : 1);
}

static void stack_overflow_is_stopped_with_a_message_naming_the_task(void **state) {
    (void)state;
    static struct child_outcome out;
    memset(&out, 0, sizeof out);
    run_in_child(overflow_in_child, &out);
    if (!out.signalled)
        fail_msg("the overflowing program exited with %d instead of being stopped; stderr:\n%s",
                 out.exit_code, out.err);
    if (out.signal == SIGALRM) fail_msg("the overflowing program hung; stderr:\n%s", out.err);
    if (strstr(out.err, "stack overflow") == NULL) fail_msg("no \"stack overflow\" in stderr:\n%s", out.err);
    if (strstr(out.err, "stack_hog") == NULL) fail_msg("stderr does not name the task stack_hog:\n%s", out.err);
}

/* ---------------------------------------------------------------------------------- */
/* 100,000 live tasks                                                                 */
/* ---------------------------------------------------------------------------------- */

/* Only completion is asserted here; speed and memory (max RSS) are measured in bench/,
   not in tests, so that no test depends on the machine. */
enum { MANY = 100000 };

struct crowd {
    double t0;                    /* loop time when main started */
    int    woken;                 /* tasks whose sleep returned 0 */
    int    max_live_seen;         /* tasks_live observed once all were spawned */
    double elapsed;               /* loop time the gather took */
};

struct member {
    struct crowd *crowd;          /* shared results */
    int           index;          /* sleeps 1 + index % 10 seconds */
};

static int crowd_member(void *p) {
    struct member *m = p;
    if (cio_sleep(1.0 + (double)(m->index % 10)) == 0) m->crowd->woken++;
    return 0;
}

static int crowd_main(void *p) {
    struct crowd *c = p;
    static cio_task *tasks[MANY];
    static struct member members[MANY];
    c->t0 = cio_now();
    for (int i = 0; i < MANY; i++) {
        members[i] = (struct member){c, i};
        tasks[i] = cio_spawn(crowd_member, &members[i]);
        if (tasks[i] == NULL) return -ENOMEM;
    }
    cio_yield(); /* every member is now alive and sleeping */
    cio_stats st;
    cio_stats_get(&st);
    c->max_live_seen = (int)st.tasks_live;
    int rc = cio_gather(tasks, MANY);
    c->elapsed = cio_now() - c->t0;
    return rc;
}

static void hundred_thousand_live_sleeping_tasks_all_complete(void **state) {
    (void)state;
    struct crowd c = {0};
    cio_config cfg = {.virtual_clock = 1, .slow_step = -1}; /* spawning 100,000 is one long step */
    assert_int_equal(cio_run(crowd_main, &c, &cfg), 0);
    assert_int_equal(c.woken, MANY);
    assert_int_equal(c.max_live_seen, MANY + 1); /* main too */
    assert_time_equal(c.elapsed, 10.0);
    cio_stats st;
    cio_stats_get(&st);
    assert_int_equal(st.tasks_spawned, MANY + 1);
    assert_int_equal(st.tasks_live, 0);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_overflow_is_stopped_with_a_message_naming_the_task),
        cmocka_unit_test(hundred_thousand_live_sleeping_tasks_all_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
