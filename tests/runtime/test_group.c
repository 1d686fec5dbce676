/*
 * test_group.c — task groups (asyncio's TaskGroup, Trio's nursery): cio_group_wait()
 * waits for every child; a failing child cancels its siblings and the wait returns the
 * first failure, not the siblings' -ECANCELED; a failing or cancelled group refuses new
 * children; children see the scopes around cio_group_new(); cancelling the group or
 * its waiter cancels the children. Times are virtual and compared exactly.
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

static cio_stats stats_now(void) {
    cio_stats st;
    cio_stats_get(&st);
    return st;
}

/* A child: sleeps, then returns a status; if interrupted, cleans up and returns. */
struct child {
    double     delay;             /* how long the work takes */
    int        status;            /* returned when the work completes */
    int        status_if_cancelled; /* returned when interrupted; 0 means the sleep's -ECANCELED */
    double     cleanup_delay;     /* > 0: cleanup sleeps this long in a shielded scope */
    cio_group *spawn_into;        /* non-NULL: first spawn `grandchild` into this group */
    struct child *grandchild;     /* what to spawn there */
    int        spawn_rc;          /* cio_group_spawn() of the grandchild */
    int        started;           /* set when the body starts */
    int        sleep_rc;          /* what the work's cio_sleep() returned */
    double     stopped_at;        /* loop time the work's sleep returned */
    int        cleanup_rc;        /* what the cleanup's sleep returned */
    int        finished;          /* set when the body returns */
    double     finished_at;       /* loop time the body returned */
};

static int child_body(void *p) {
    struct child *c = p;
    c->started = 1;
    if (c->spawn_into) c->spawn_rc = cio_group_spawn(c->spawn_into, child_body, c->grandchild);
    c->sleep_rc = cio_sleep(c->delay);
    c->stopped_at = cio_now();
    int rc = c->status;
    if (c->sleep_rc != 0) {
        if (c->cleanup_delay > 0) {
            cio_scope shield;
            cio_scope_open(&shield, INFINITY, 1);
            c->cleanup_rc = cio_sleep(c->cleanup_delay);
            cio_scope_close(&shield);
        }
        rc = c->status_if_cancelled ? c->status_if_cancelled : c->sleep_rc;
    }
    c->finished = 1;
    c->finished_at = cio_now();
    return rc;
}

struct group_state {
    double       t0;              /* loop time when the group was made */
    struct child kids[5];         /* the children; their roles differ per test */
    int          spawn_rc[5];     /* cio_group_spawn() of each */
    int          late_spawn_rc;   /* a spawn after the group failed or was cancelled */
    struct child late;            /* the child of that late spawn (must never start) */
    int          wait_rc;         /* cio_group_wait() */
    double       waited;          /* loop time the wait returned, relative to t0 */
    int          finished_seen[5]; /* kids[i].finished when the wait returned */
    int          scope_closed;    /* cio_scope_close() of a scope around the group */
    uint64_t     tasks_before;    /* tasks_live before the group */
    uint64_t     tasks_after;     /* tasks_live after the wait */
    uint64_t     objects_before;  /* objects_live before the group */
    uint64_t     objects_after;   /* objects_live after the wait */
    int          middle_status;   /* cio_await() of the task that waited on the group */
};

static void note_wait(struct group_state *s, int rc) {
    s->wait_rc = rc;
    s->waited = cio_now() - s->t0;
    for (int i = 0; i < 5; i++) s->finished_seen[i] = s->kids[i].finished;
    cio_stats st = stats_now();
    s->tasks_after = st.tasks_live;
    s->objects_after = st.objects_live;
}

static cio_group *new_group(struct group_state *s) {
    cio_stats st = stats_now();
    s->tasks_before = st.tasks_live;
    s->objects_before = st.objects_live;
    s->t0 = cio_now();
    return cio_group_new();
}

/* ---------------------------------------------------------------------------------- */
/* Waiting for all                                                                    */
/* ---------------------------------------------------------------------------------- */

static int wait_all_main(void *p) {
    struct group_state *s = p;
    cio_group *g = new_group(s);
    if (g == NULL) return -ENOMEM;
    s->kids[0] = (struct child){.delay = 1.0};
    s->kids[1] = (struct child){.delay = 3.0};
    s->kids[2] = (struct child){.delay = 2.0};
    s->kids[3] = (struct child){.delay = 0.5, .spawn_into = g, .grandchild = &s->kids[4]};
    s->kids[4] = (struct child){.delay = 3.5}; /* spawned by kids[3], outlives it */
    for (int i = 0; i < 4; i++) s->spawn_rc[i] = cio_group_spawn(g, child_body, &s->kids[i]);
    note_wait(s, cio_group_wait(g));
    return 0;
}

static void group_waits_for_every_child(void **state) {
    (void)state;
    struct group_state s = {0};
    assert_int_equal(run_virtual(wait_all_main, &s), 0);
    assert_int_equal(s.wait_rc, 0);
    assert_time_equal(s.waited, 3.5); /* the grandchild spawned by a child was waited for */
    for (int i = 0; i < 4; i++) assert_int_equal(s.spawn_rc[i], 0);
    assert_int_equal(s.kids[3].spawn_rc, 0);
    for (int i = 0; i < 5; i++) {
        assert_true(s.finished_seen[i]);
        assert_int_equal(s.kids[i].sleep_rc, 0);
    }
    assert_int_equal(s.tasks_after, s.tasks_before);
    assert_int_equal(s.objects_after, s.objects_before); /* the group was freed */
}

/* ---------------------------------------------------------------------------------- */
/* A failing child cancels its siblings; the first failure is returned                 */
/* ---------------------------------------------------------------------------------- */

static int failing_child_main(void *p) {
    struct group_state *s = p;
    cio_group *g = new_group(s);
    if (g == NULL) return -ENOMEM;
    s->kids[0] = (struct child){.delay = 10.0};                       /* sibling */
    s->kids[1] = (struct child){.delay = 10.0, .cleanup_delay = 0.5}; /* sibling, slow cleanup */
    s->kids[2] = (struct child){.delay = 10.0, .status_if_cancelled = -ENOENT}; /* fails later */
    s->kids[3] = (struct child){.delay = 1.0, .status = -EIO};        /* the first failure */
    for (int i = 0; i < 4; i++) s->spawn_rc[i] = cio_group_spawn(g, child_body, &s->kids[i]);
    note_wait(s, cio_group_wait(g));
    return 0;
}

static void failing_child_cancels_siblings_and_its_error_is_returned(void **state) {
    (void)state;
    struct group_state s = {0};
    assert_int_equal(run_virtual(failing_child_main, &s), 0);
    assert_int_equal(s.wait_rc, -EIO); /* not the siblings' -ECANCELED, not the later -ENOENT */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.kids[i].sleep_rc, -ECANCELED);
        assert_time_equal(s.kids[i].stopped_at - s.t0, 1.0);
    }
    assert_int_equal(s.kids[1].cleanup_rc, 0);
    assert_time_equal(s.waited, 1.5); /* the wait included the shielded cleanup */
    for (int i = 0; i < 4; i++) assert_true(s.finished_seen[i]);
    assert_int_equal(s.tasks_after, s.tasks_before);
    assert_int_equal(s.objects_after, s.objects_before);
}

static int spawn_after_failure_main(void *p) {
    struct group_state *s = p;
    cio_group *g = new_group(s);
    if (g == NULL) return -ENOMEM;
    s->kids[0] = (struct child){.delay = 1.0, .status = -EIO};
    s->kids[1] = (struct child){.delay = 10.0};
    for (int i = 0; i < 2; i++) s->spawn_rc[i] = cio_group_spawn(g, child_body, &s->kids[i]);
    cio_sleep(2.0); /* the group failed at 1 */
    s->late = (struct child){.delay = 0};
    s->late_spawn_rc = cio_group_spawn(g, child_body, &s->late);
    note_wait(s, cio_group_wait(g));
    return 0;
}

static void spawning_into_a_failed_group_returns_ecanceled(void **state) {
    (void)state;
    struct group_state s = {0};
    assert_int_equal(run_virtual(spawn_after_failure_main, &s), 0);
    assert_int_equal(s.late_spawn_rc, -ECANCELED);
    assert_int_equal(s.late.started, 0);
    assert_int_equal(s.wait_rc, -EIO);
    assert_int_equal(s.kids[1].sleep_rc, -ECANCELED);
    assert_time_equal(s.kids[1].stopped_at - s.t0, 1.0);
    assert_int_equal(s.tasks_after, s.tasks_before);
}

/* ---------------------------------------------------------------------------------- */
/* Children see the scopes around cio_group_new()                                     */
/* ---------------------------------------------------------------------------------- */

static int scoped_group_main(void *p) {
    struct group_state *s = p;
    cio_scope deadline;
    cio_scope_open_after(&deadline, 1.5, 0);
    cio_group *g = new_group(s);
    if (g == NULL) return -ENOMEM;
    s->kids[0] = (struct child){.delay = 10.0};
    s->kids[1] = (struct child){.delay = 20.0};
    s->kids[2] = (struct child){.delay = 1.0}; /* done before the deadline */
    for (int i = 0; i < 3; i++) s->spawn_rc[i] = cio_group_spawn(g, child_body, &s->kids[i]);
    note_wait(s, cio_group_wait(g));
    s->scope_closed = cio_scope_close(&deadline);
    return 0;
}

static void a_scope_around_the_group_cancels_its_children(void **state) {
    (void)state;
    struct group_state s = {0};
    assert_int_equal(run_virtual(scoped_group_main, &s), 0);
    assert_int_equal(s.kids[0].sleep_rc, -ECANCELED);
    assert_int_equal(s.kids[1].sleep_rc, -ECANCELED);
    assert_time_equal(s.kids[0].stopped_at - s.t0, 1.5);
    assert_time_equal(s.kids[1].stopped_at - s.t0, 1.5);
    assert_int_equal(s.kids[2].sleep_rc, 0);
    assert_int_equal(s.wait_rc, -ECANCELED);
    assert_time_equal(s.waited, 1.5);
    for (int i = 0; i < 3; i++) assert_true(s.finished_seen[i]);
    assert_int_equal(s.scope_closed, 1);
    assert_int_equal(s.tasks_after, s.tasks_before);
}

/* ---------------------------------------------------------------------------------- */
/* cio_group_cancel() and a cancelled waiter                                          */
/* ---------------------------------------------------------------------------------- */

static int group_cancel_main(void *p) {
    struct group_state *s = p;
    cio_group *g = new_group(s);
    if (g == NULL) return -ENOMEM;
    s->kids[0] = (struct child){.delay = 10.0};
    s->kids[1] = (struct child){.delay = 10.0, .cleanup_delay = 0.25};
    for (int i = 0; i < 2; i++) s->spawn_rc[i] = cio_group_spawn(g, child_body, &s->kids[i]);
    cio_sleep(1.0);
    cio_group_cancel(g); /* never suspends */
    s->late = (struct child){.delay = 0};
    s->late_spawn_rc = cio_group_spawn(g, child_body, &s->late);
    note_wait(s, cio_group_wait(g));
    return 0;
}

static void group_cancel_cancels_every_child_and_is_not_a_failure(void **state) {
    (void)state;
    struct group_state s = {0};
    assert_int_equal(run_virtual(group_cancel_main, &s), 0);
    assert_int_equal(s.wait_rc, 0); /* the group's own cancellation is not a failure */
    assert_int_equal(s.kids[0].sleep_rc, -ECANCELED);
    assert_int_equal(s.kids[1].sleep_rc, -ECANCELED);
    assert_time_equal(s.kids[0].stopped_at - s.t0, 1.0);
    assert_int_equal(s.kids[1].cleanup_rc, 0);
    assert_time_equal(s.waited, 1.25);
    assert_int_equal(s.late_spawn_rc, -ECANCELED);
    assert_int_equal(s.late.started, 0);
    assert_int_equal(s.tasks_after, s.tasks_before);
    assert_int_equal(s.objects_after, s.objects_before);
}

static int waiting_middle(void *p) {
    struct group_state *s = p;
    cio_group *g = new_group(s);
    if (g == NULL) return -ENOMEM;
    s->kids[0] = (struct child){.delay = 10.0};
    s->kids[1] = (struct child){.delay = 10.0, .cleanup_delay = 0.5};
    for (int i = 0; i < 2; i++) s->spawn_rc[i] = cio_group_spawn(g, child_body, &s->kids[i]);
    note_wait(s, cio_group_wait(g));
    return s->wait_rc;
}

static int cancel_waiter_main(void *p) {
    struct group_state *s = p;
    cio_task *m = cio_spawn(waiting_middle, s);
    cio_sleep(1.0);
    cio_cancel(m);
    s->middle_status = cio_await(m);
    return 0;
}

static void cancelling_the_waiter_cancels_the_children(void **state) {
    (void)state;
    struct group_state s = {0};
    assert_int_equal(run_virtual(cancel_waiter_main, &s), 0);
    assert_int_equal(s.wait_rc, -ECANCELED);
    assert_int_equal(s.middle_status, -ECANCELED);
    assert_int_equal(s.kids[0].sleep_rc, -ECANCELED);
    assert_int_equal(s.kids[1].sleep_rc, -ECANCELED);
    assert_time_equal(s.kids[0].stopped_at - s.t0, 1.0);
    assert_int_equal(s.kids[1].cleanup_rc, 0);
    assert_true(s.finished_seen[0] && s.finished_seen[1]); /* waited for them */
    assert_time_equal(s.waited, 1.5);
    assert_int_equal(s.tasks_after, s.tasks_before);
    assert_int_equal(s.objects_after, s.objects_before);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(group_waits_for_every_child),
        cmocka_unit_test(failing_child_cancels_siblings_and_its_error_is_returned),
        cmocka_unit_test(spawning_into_a_failed_group_returns_ecanceled),
        cmocka_unit_test(a_scope_around_the_group_cancels_its_children),
        cmocka_unit_test(group_cancel_cancels_every_child_and_is_not_a_failure),
        cmocka_unit_test(cancelling_the_waiter_cancels_the_children),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
